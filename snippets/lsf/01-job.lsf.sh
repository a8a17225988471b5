#!/bin/bash
# test: run=bsub expect="^job [0-9]+ \(demo\) in queue {{ cluster.partitions.debug.name }} on {{ cluster.partitions.cpu.node_prefix }}0[12]$" expect="^2 slots$" timeout=90
#BSUB -J demo
#BSUB -q {{ cluster.partitions.debug.name }}
#BSUB -n 2
#BSUB -R "span[hosts=1]"
#BSUB -R "rusage[mem=2048]"
#BSUB -W 10
#BSUB -o demo.%J.out
#BSUB -e demo.%J.err

echo "job $LSB_JOBID ($LSB_JOBNAME) in queue $LSB_QUEUE on $(hostname)"
echo "$LSB_DJOB_NUMPROC slots"
sleep 10
