#!/bin/bash
#BSUB -J progress
#BSUB -q {{ cluster.partitions.debug.name }}
#BSUB -n 1
#BSUB -W 10
#BSUB -o progress.%J.out

for step in $(seq 1 60); do
    echo "step $step"
    sleep 2
done
