#!/bin/bash
# test: run=sbatch gpu requires=apptainer needs=containers/05-build.console with=pytorch/ddp.py
# test: expect="^rank 0/4 on " expect="^loss fell: [0-9.]+ -> [0-9.]+$" timeout=900
# test: step-cpus-per-task=8
# test: why="Apptainer cannot be installed on the test cluster (no Debian package, no PyPI release) and is not faked; this runs with pytest --cluster=existing on a cluster that has it"
# test: task-omp=unset task-gpus=2
#SBATCH --job-name=ddp-sif
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gres=gpu:2
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out

SIF=$WORK/containers/torch-lightning.sif

MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_ADDR
export MASTER_PORT=$((20000 + SLURM_JOB_ID % 10000))

srun --cpus-per-task="$SLURM_CPUS_PER_TASK" \
    apptainer exec --nv --bind "$SCRATCH" "$SIF" \
    torchrun \
    --nnodes="$SLURM_NNODES" \
    --nproc-per-node=2 \
    --rdzv-id="$SLURM_JOB_ID" \
    --rdzv-backend=c10d \
    --rdzv-endpoint="$MASTER_ADDR:$MASTER_PORT" \
    ddp.py # (1)!
