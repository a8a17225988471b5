#!/bin/bash
# test: run=sbatch with=python-jobs/04-sweep.py needs=conda/02-create.console expect="^task [0-4]: C=[0-9.]+ accuracy=0\.[0-9]{4}$" timeout=300
#SBATCH --job-name=sweep
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --array=0-4
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=00:10:00
#SBATCH --output=sweep-%A_%a.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate sci

echo "Array job $SLURM_ARRAY_JOB_ID, task $SLURM_ARRAY_TASK_ID on $(hostname)"
python -u sweep.py
