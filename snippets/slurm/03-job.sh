#!/bin/bash
# test: run=sbatch expect="^demo job [0-9]+ on {{ cluster.partitions.cpu.node_prefix }}[0-9]+ with 2 CPUs$" expect="^done$" timeout=90
#SBATCH --job-name=demo
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=00:10:00

echo "demo job $SLURM_JOB_ID on $(hostname) with $SLURM_CPUS_PER_TASK CPUs"
sleep 8
echo "done"
