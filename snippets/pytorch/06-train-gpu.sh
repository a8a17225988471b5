#!/bin/bash
# test: run=sbatch with=pytorch/train.py needs=conda/09-create-torch-env.sh
# test: expect="^training on (cuda|cpu)$" expect="^epoch 10 loss " expect="^loss fell: [0-9.]+ -> [0-9.]+$" timeout=180
#SBATCH --job-name=digits-gpu
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4 # (1)
#SBATCH --gres=gpu:1 # (2)
#SBATCH --mem=16G
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

echo "Job $SLURM_JOB_ID on $(hostname), GPU(s) $CUDA_VISIBLE_DEVICES"
nvidia-smi --query-gpu=index,name,memory.used,memory.total --format=csv # (3)!
python train.py
