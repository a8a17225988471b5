#!/bin/bash
# test: run=bsub expect="^Hello from {{ cluster.partitions.cpu.node_prefix }}[0-9]+$" expect="^Working directory: /" timeout=60
#BSUB -J first
#BSUB -q {{ cluster.partitions.debug.name }}
#BSUB -n 1
#BSUB -R "rusage[mem=1024]"
#BSUB -W 5
#BSUB -o first.%J.out

echo "Hello from $(hostname)"
echo "Working directory: $(pwd)"
echo "Job ID: $LSB_JOBID"
sleep 5
echo "Done at $(date)"
