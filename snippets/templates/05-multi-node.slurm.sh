#!/bin/bash
# test: run=sbatch with=templates/ddp_check.py needs=conda/09-create-torch-env.sh
# test: expect="^rank [0-3]/4 on {{ cluster.partitions.gpu.node_prefix }}01: " expect="^rank [0-3]/4 on {{ cluster.partitions.gpu.node_prefix }}02: "
# test: expect="^all_reduce: 10 \(expected 10\)$" timeout=180 step-cpus-per-task=4
# test: task-omp=4 task-gpus=2
#SBATCH --job-name=multi-node
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=2 # (1)
#SBATCH --gres=gpu:{{ cluster.partitions.gpu.gpu_type }}:2
#SBATCH --cpus-per-task=4
#SBATCH --mem=64G
#SBATCH --time=04:00:00
#SBATCH --output=%x-%j.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1) # (2)!
export MASTER_ADDR
export MASTER_PORT=$((20000 + SLURM_JOB_ID % 10000))
export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK

srun --cpus-per-task="$SLURM_CPUS_PER_TASK" python ddp_check.py # (3)!
