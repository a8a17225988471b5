#!/bin/bash
# test: run=sbatch with=templates/report.py needs=conda/09-create-torch-env.sh
# test: expect="^host: {{ cluster.partitions.gpu.node_prefix }}0[12]$" expect="^CUDA_VISIBLE_DEVICES=0$" expect="^result: True$" timeout=120
#SBATCH --job-name=one-gpu
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --gres=gpu:{{ cluster.partitions.gpu.gpu_type }}:1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4 # (1)
#SBATCH --mem=32G
#SBATCH --time=04:00:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK
python report.py
