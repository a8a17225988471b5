#!/bin/bash
# test: run=sbatch gpu requires=apptainer needs=containers/01-pull.console with=pytorch/check_gpu.py
# test: expect="^cuda.is_available\(\): True$" expect="^GPU 0: " timeout=600
# test: why="Apptainer cannot be installed on the test cluster (no Debian package, no PyPI release) and is not faked; this runs with pytest --cluster=existing on a cluster that has it"
#SBATCH --job-name=torch-sif
#SBATCH --partition={{ cluster.partitions.gpu.name }}
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --gres=gpu:1
#SBATCH --mem=16G
#SBATCH --time=00:10:00
#SBATCH --output=%x-%j.out

SIF=$WORK/containers/pytorch-2.13.0.sif

apptainer exec --nv --bind "$SCRATCH" "$SIF" python check_gpu.py # (1)!
