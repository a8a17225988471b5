#!/bin/bash
# test: run=sbatch expect="^started$" timeout=60
#SBATCH --job-name=mailme
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --time=00:05:00
#SBATCH --mail-type=END,FAIL,TIME_LIMIT_80
#SBATCH --mail-user=your.name@example.edu
echo started
