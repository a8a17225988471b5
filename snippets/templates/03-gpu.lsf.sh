#!/bin/bash
# test: run=bsub with=templates/report.py needs=conda/09-create-torch-env.sh
# test: expect="^host: {{ cluster.partitions.gpu.node_prefix }}0[12]$" expect="^CUDA_VISIBLE_DEVICES=0$" expect="^result: True$" timeout=120
#BSUB -J one-gpu
#BSUB -q {{ cluster.partitions.gpu.name }}
#BSUB -gpu "num=1"
#BSUB -n 4 # (1)
#BSUB -R "span[hosts=1]"
#BSUB -R "rusage[mem=32GB/host]"
#BSUB -W 4:00
#BSUB -o one-gpu.%J.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=$LSB_DJOB_NUMPROC
python report.py
