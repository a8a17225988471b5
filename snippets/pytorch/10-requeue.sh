#!/bin/bash
# test: run=sbatch with=pytorch/checkpoint_train.py needs=conda/09-create-torch-env.sh
# test: expect="^time limit near: saved epoch [0-9]+, requeueing$" expect="^resumed from checkpoint\.pt at epoch [0-9]+$"
# test: expect="^job [0-9]+, restart [1-9][0-9]*$" expect="^finished all [0-9]+ epochs$" timeout=600
# test: signal-early="^epoch 1000 loss "
#SBATCH --job-name=requeue
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=00:02:00 # (1)
#SBATCH --signal=USR1@60 # (2)
#SBATCH --requeue # (3)
#SBATCH --open-mode=append # (4)
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

echo "start $(date +%T) on $(hostname), restart ${SLURM_RESTART_COUNT:-0}"
srun python checkpoint_train.py # (5)!
