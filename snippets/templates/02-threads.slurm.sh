#!/bin/bash
# test: run=sbatch with=templates/report.py needs=conda/09-create-torch-env.sh
# test: expect="^CPUs usable: [0-9]+, OMP_NUM_THREADS=4$" expect="^result: True$" timeout=120
#SBATCH --job-name=threads
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4 # (1)
#SBATCH --mem=8G
#SBATCH --time=01:00:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK # (2)!
python report.py
