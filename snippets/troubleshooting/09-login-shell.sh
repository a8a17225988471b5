#!/bin/bash -l
# test: run=sbatch expect="{{ cluster.modules.gcc }}" timeout=60
#SBATCH --job-name=login-shell
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:05:00

module purge
module load {{ cluster.modules.gcc }}
module list 2>&1
