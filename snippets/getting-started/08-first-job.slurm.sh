#!/bin/bash
# test: run=sbatch expect="^Hello from {{ cluster.partitions.cpu.node_prefix }}[0-9]+$" expect="^Working directory: /" timeout=60
#SBATCH --job-name=first
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=00:05:00

echo "Hello from $(hostname)"
echo "Working directory: $(pwd)"
echo "Job ID: $SLURM_JOB_ID"
sleep 5
echo "Done at $(date)"
