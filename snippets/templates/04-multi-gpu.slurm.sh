#!/bin/bash
# test: run=sbatch with=templates/ddp_check.py needs=conda/09-create-torch-env.sh
# test: expect="^rank 1/2 on {{ cluster.partitions.gpu.node_prefix }}0[12]: " expect="^all_reduce: 3 \(expected 3\)$" timeout=180
#SBATCH --job-name=multi-gpu
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=1
#SBATCH --gres=gpu:{{ cluster.partitions.gpu.gpu_type }}:2 # (1)
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --mem=64G
#SBATCH --time=04:00:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=4
torchrun --standalone --nproc-per-node=2 ddp_check.py # (2)!
