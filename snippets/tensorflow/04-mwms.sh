#!/bin/bash
# test: run=sbatch with=tensorflow/mwms_train.py needs=tensorflow/02-install.console
# test: expect="^worker 0 on {{ cluster.partitions.gpu.node_prefix }}0[0-9]: .*2 replicas in all$" expect="^worker 1 on "
# test: expect="^Epoch 8/8$" expect="^loss fell: [0-9.]+ -> [0-9.]+$" timeout=300
# test: expect="^worker 0: CUDA_VISIBLE_DEVICES=0 \(Slurm set 0\)$" expect="^worker 1: CUDA_VISIBLE_DEVICES=0 \(Slurm set 0\)$"
# test: step-cpus-per-task=4
# test: task-omp=unset task-gpus=1
#SBATCH --job-name=tf-mwms
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=1 # (1)
#SBATCH --ntasks-per-node=2 # (2)
#SBATCH --gres=gpu:2
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate tf
export TF_CPP_MIN_LOG_LEVEL=2 # (3)!

srun --cpus-per-task="$SLURM_CPUS_PER_TASK" --gpu-bind=per_task:1 python mwms_train.py # (4)!
