#!/bin/bash
# test: run=sbatch expect="^CUDA_VISIBLE_DEVICES=0$" expect="^GPU 0: " reject="^GPU 1: " timeout=90
#SBATCH --job-name=one-gpu
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --gres=gpu:{{ cluster.partitions.gpu.gpu_type }}:1 # (1)
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=00:10:00

echo "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"
nvidia-smi -L
