#!/bin/bash
# test: run=sbatch expect="^Hello from cn0[0-9]" timeout=60
#SBATCH --job-name=hello
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:01:00
echo "Hello from $(hostname)"
