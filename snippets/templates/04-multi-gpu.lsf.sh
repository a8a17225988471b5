#!/bin/bash
# test: run=bsub with=templates/ddp_check.py needs=conda/09-create-torch-env.sh
# test: expect="^rank 1/2 on {{ cluster.partitions.gpu.node_prefix }}0[12]: " expect="^all_reduce: 3 \(expected 3\)$" timeout=180
#BSUB -J multi-gpu
#BSUB -q {{ cluster.partitions.gpu.name }}
#BSUB -gpu "num=2" # (1)
#BSUB -n 8
#BSUB -R "span[hosts=1]"
#BSUB -R "rusage[mem=64GB/host]"
#BSUB -W 4:00
#BSUB -o multi-gpu.%J.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=4
torchrun --standalone --nproc-per-node=2 ddp_check.py # (2)!
