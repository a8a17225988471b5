#!/bin/bash
# test: run=sbatch needs=conda/02-create.console expect="^Python {{ cluster.python.version }}" expect="envs/sci/bin/python$" timeout=120
#SBATCH --job-name=conda-job
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:10:00

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)" # (1)!
conda activate sci

python --version
command -v python
