#!/bin/bash
#SBATCH --job-name=train-demo
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --gres=gpu:{{ cluster.partitions.gpu.gpu_type }}:1
#SBATCH --time=00:10:00
#SBATCH --output=%x-%j.out # (1)!

srun python3 -u train.py # (2)!
