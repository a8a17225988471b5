#!/bin/bash
# test: run=sbatch expect="^Running on {{ cluster.partitions.cpu.node_prefix }}[0-9]+$" expect="to stderr" timeout=60
#SBATCH --job-name=named
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:05:00
#SBATCH --output=%x-%j.out
#SBATCH --error=%x-%j.err

echo "Running on $(hostname)"
echo "This line goes to stderr" >&2
