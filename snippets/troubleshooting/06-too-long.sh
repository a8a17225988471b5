#!/bin/bash
#SBATCH --job-name=too-long
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:01:00

echo "started at $(date +%T)"
sleep 600
echo "never printed"
