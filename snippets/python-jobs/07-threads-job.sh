#!/bin/bash
# test: run=sbatch with=python-jobs/08-threads.py needs=conda/02-create.console expect="^OMP_NUM_THREADS += 2$" expect=": 2 threads$" timeout=120
#SBATCH --job-name=threads
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=00:10:00

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate sci

export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} # (1)!
python -u threads.py
