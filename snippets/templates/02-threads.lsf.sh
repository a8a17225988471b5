#!/bin/bash
# test: run=bsub with=templates/report.py needs=conda/09-create-torch-env.sh
# test: expect="^CPUs usable: [0-9]+, OMP_NUM_THREADS=4$" expect="^result: True$" timeout=120
#BSUB -J threads
#BSUB -q {{ cluster.partitions.cpu.name }}
#BSUB -n 4 # (1)
#BSUB -R "span[hosts=1]"
#BSUB -R "rusage[mem=8GB/host]"
#BSUB -W 1:00
#BSUB -o threads.%J.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

export OMP_NUM_THREADS=$LSB_DJOB_NUMPROC # (2)!
python report.py
