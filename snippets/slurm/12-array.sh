#!/bin/bash
# test: run=sbatch expect="^task 1 of array [0-9]+ on {{ cluster.partitions.cpu.node_prefix }}0[12]: input-1\.txt$" expect="^task 10 of array [0-9]+ " timeout=240
#SBATCH --job-name=array
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --array=1-10%2 # (1)
#SBATCH --ntasks=1
#SBATCH --time=00:05:00
#SBATCH --output=%x-%A_%a.out # (2)

input="input-${SLURM_ARRAY_TASK_ID}.txt" # (3)!
echo "task $SLURM_ARRAY_TASK_ID of array $SLURM_ARRAY_JOB_ID on $(hostname): $input"
