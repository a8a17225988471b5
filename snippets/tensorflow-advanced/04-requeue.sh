#!/bin/bash
# test: run=sbatch with=tensorflow-advanced/requeue_train.py,tensorflow-advanced/tf_setup.py needs=conda/11-create-tf-env.sh
# test: expect="^time limit near: epochs 1-[0-9]+ saved in backup/, requeueing; the next run starts at epoch [0-9]+$"
# test: expect="next run starts at epoch ([0-9]+)\n(?:(?!restart ).*\n)*restart [1-9][0-9]*: starts at epoch \1, optimizer at step [1-9]"
# test: expect="^finished all [0-9]+ epochs$" timeout=900 signal-early="^epoch 600 loss "
#SBATCH --job-name=tf-requeue
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=00:02:00 # (1)
#SBATCH --signal=USR1@60 # (2)
#SBATCH --requeue # (3)
#SBATCH --open-mode=append
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate tf
export TF_CPP_MIN_LOG_LEVEL=2

echo "start $(date +%T) on $(hostname), restart ${SLURM_RESTART_COUNT:-0}"
srun python requeue_train.py # (4)!
