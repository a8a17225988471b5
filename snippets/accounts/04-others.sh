#!/bin/bash
# Other users' work that fills the GPU partition (the test's stand-in for a busy cluster).
#SBATCH --job-name=others
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes={{ cluster.partitions.gpu.nodes }}
#SBATCH --exclusive
#SBATCH --time=00:02:00
sleep 60
