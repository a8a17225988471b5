#!/bin/bash
# test: run=sbatch with=python-jobs/01-fit.py needs=conda/02-create.console expect="^Mean accuracy: 0\.9" timeout=180
#SBATCH --job-name=digits
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=00:15:00
#SBATCH --output=%x-%j.out
#SBATCH --error=%x-%j.err

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate sci

echo "Job $SLURM_JOB_ID on $(hostname), started $(date)"
python -u fit.py --C 10 # (1)!
echo "Finished $(date)"
