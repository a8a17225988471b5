#!/bin/bash
# test: run=sbatch with=templates/report.py,templates/params.txt needs=conda/09-create-torch-env.sh
# test: expect="^arguments: --lr 0\.1 --batch 32$" expect="^arguments: --lr 0\.001 --batch 64$" timeout=300
#SBATCH --job-name=sweep
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --array=1-10%2 # (1)
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --output=%x-%A_%a.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

args=$(sed -n "${SLURM_ARRAY_TASK_ID}p" params.txt) # (2)!
export OMP_NUM_THREADS=1
# shellcheck disable=SC2086
python report.py $args
