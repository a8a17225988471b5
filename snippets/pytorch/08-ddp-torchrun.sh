#!/bin/bash
# test: run=sbatch with=pytorch/ddp.py needs=conda/09-create-torch-env.sh
# test: expect="^rank 0/4 on {{ cluster.partitions.gpu.node_prefix }}0[12]: " expect="on {{ cluster.partitions.gpu.node_prefix }}02: "
# test: expect="^epoch 10 loss " expect="^loss fell: [0-9.]+ -> [0-9.]+$" timeout=240
# test: step-cpus-per-task=8
# test: task-omp=unset task-gpus=2
#SBATCH --job-name=ddp-torchrun
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1 # (1)
#SBATCH --gres=gpu:2
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_ADDR
export MASTER_PORT=$((20000 + SLURM_JOB_ID % 10000))

srun --cpus-per-task="$SLURM_CPUS_PER_TASK" torchrun \
    --nnodes="$SLURM_NNODES" \
    --nproc-per-node=2 \
    --rdzv-id="$SLURM_JOB_ID" \
    --rdzv-backend=c10d \
    --rdzv-endpoint="$MASTER_ADDR:$MASTER_PORT" \
    ddp.py # (2)!
