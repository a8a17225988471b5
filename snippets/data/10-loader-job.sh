#!/bin/bash
# test: run=sbatch with=data/09-loader.py needs=conda/09-create-torch-env.sh,data/04-pack.console timeout=180
# test: expect="^3 CPUs, num_workers=2: 200 samples, from workers \[0, 1\]$"
#SBATCH --job-name=loader
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=3
#SBATCH --mem=4G
#SBATCH --time=00:10:00

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

python -u loader.py
