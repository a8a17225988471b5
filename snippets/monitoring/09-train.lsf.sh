#!/bin/bash
#BSUB -J train-demo
#BSUB -q {{ cluster.partitions.gpu.name }}
#BSUB -n 1
#BSUB -gpu "num=1"
#BSUB -W 10
#BSUB -o train-demo.%J.out

python3 -u train.py
