#!/bin/bash
# test: run=sbatch expect="{{ cluster.modules.conda }}" expect="^conda is /" timeout=60
#SBATCH --job-name=modules
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:05:00

module purge # (1)!
module load {{ cluster.modules.conda }} # (2)!
module list 2>&1 # (3)!

echo "conda is $(command -v conda)"
