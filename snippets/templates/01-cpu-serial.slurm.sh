#!/bin/bash
# test: run=sbatch with=templates/report.py needs=conda/09-create-torch-env.sh
# test: expect="^host: {{ cluster.partitions.cpu.node_prefix }}0[12]$" expect="^CPUs usable: [0-9]+, OMP_NUM_THREADS=1$" expect="^torch threads: 1$" expect="^result: True$" timeout=120
#SBATCH --job-name=serial
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=1
python report.py
