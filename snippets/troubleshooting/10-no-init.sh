#!/bin/bash
#SBATCH --job-name=no-init
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:05:00

module purge
module load {{ cluster.modules.conda }}
conda activate torch # (1)!
python -c "import torch; print(torch.__version__)"
