#!/bin/bash
# test: run=sbatch with=pytorch/lightning_train.py needs=conda/09-create-torch-env.sh
# test: expect="^rank 0/4 on {{ cluster.partitions.gpu.node_prefix }}01$" expect="^rank 3/4 on {{ cluster.partitions.gpu.node_prefix }}02$"
# test: expect="^epoch  6 loss " expect="^loss fell: [0-9.]+ -> [0-9.]+$" timeout=300
# test: step-cpus-per-task=4
# test: task-omp=unset task-gpus=2
#SBATCH --job-name=lightning
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=2 # (1)
#SBATCH --ntasks-per-node=2 # (2)
#SBATCH --gres=gpu:2
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=00:30:00
#SBATCH --signal=USR1@90 # (3)
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

srun --cpus-per-task="$SLURM_CPUS_PER_TASK" python lightning_train.py # (4)!
