#!/bin/bash
# test: run=static why="the test cluster does not enforce memory limits (its nodes share one machine without cgroups), so this job would not be killed there"
#SBATCH --job-name=too-big
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --mem=1G
#SBATCH --time=00:10:00

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate sci

python -u -c "
import numpy as np
a = np.ones((4, 1024, 1024, 128))  # 4 GiB, more than --mem allows
print(f'Allocated {a.nbytes / 2**30} GiB')
"
