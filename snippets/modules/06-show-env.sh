#!/bin/bash
#SBATCH --job-name=show-env
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:01:00

echo "MY_SETTING=${MY_SETTING:-(not set)} modules=${LOADEDMODULES:-(none)}"
