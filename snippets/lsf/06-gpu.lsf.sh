#!/bin/bash
# test: run=bsub expect="^CUDA_VISIBLE_DEVICES=0$" expect="^GPU 0: " reject="^GPU 1: " timeout=90
#BSUB -J one-gpu
#BSUB -q {{ cluster.partitions.gpu.name }}
#BSUB -n 4
#BSUB -R "span[hosts=1]"
#BSUB -gpu "num=1" # (1)
#BSUB -W 10
#BSUB -o one-gpu.%J.out

echo "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"
nvidia-smi -L
