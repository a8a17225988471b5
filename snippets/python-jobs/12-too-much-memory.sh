#!/bin/bash
# test: run=sbatch needs=conda/02-create.console state=OUT_OF_MEMORY reject="^Allocated"
# test: expect="Killed +python -u -c" expect="^slurmstepd\S*: error: Detected [0-9]+ oom-kill event\(s\) in StepId=[0-9]+\.batch\." timeout=120
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
