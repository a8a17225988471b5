#!/bin/bash
# test: run=bsub with=templates/report.py needs=conda/09-create-torch-env.sh
# test: expect="^host: {{ cluster.partitions.cpu.node_prefix }}0[12]$" expect="^CPUs usable: [0-9]+, OMP_NUM_THREADS=1$" expect="^torch threads: 1$" expect="^result: True$" timeout=120
#BSUB -J serial
#BSUB -q {{ cluster.partitions.cpu.name }}
#BSUB -n 1
#BSUB -R "rusage[mem=2048]"
#BSUB -W 1:00
#BSUB -o serial.%J.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=1
python report.py
