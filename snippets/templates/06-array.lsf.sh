#!/bin/bash
# test: run=bsub with=templates/report.py,templates/params.txt needs=conda/09-create-torch-env.sh
# test: expect="^arguments: --lr 0\.1 --batch 32$" expect="^arguments: --lr 0\.001 --batch 64$" timeout=300
#BSUB -J "sweep[1-10]%2" # (1)
#BSUB -q {{ cluster.partitions.cpu.name }}
#BSUB -n 1
#BSUB -R "rusage[mem=2048]"
#BSUB -W 1:00
#BSUB -o sweep.%J.%I.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

args=$(sed -n "${LSB_JOBINDEX}p" params.txt) # (2)!
export OMP_NUM_THREADS=1
# shellcheck disable=SC2086
python report.py $args
