#!/bin/bash
# test: run=sbatch needs=conda/02-create.console expect="^Allocated 0\.5 GiB$" timeout=120
#SBATCH --job-name=memory
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=00:10:00

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate sci

python -u -c "
import numpy as np
a = np.ones((512, 1024, 128))  # 512 x 1024 x 128 doubles = 0.5 GiB
print(f'Allocated {a.nbytes / 2**30} GiB')
"
