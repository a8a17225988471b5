#!/bin/bash
# test: run=bsub expect="^job [0-9]+: 4 slots on {{ cluster.partitions.cpu.node_prefix }}0[12]$" timeout=90
#BSUB -J memory
#BSUB -q {{ cluster.partitions.debug.name }}
#BSUB -n 4
#BSUB -R "span[hosts=1]"
#BSUB -R "rusage[mem=2GB]" # (1)
#BSUB -M 4GB # (2)
#BSUB -W 10
#BSUB -o memory.%J.out

echo "job $LSB_JOBID: $LSB_DJOB_NUMPROC slots on $(hostname)"
