#!/bin/bash
#SBATCH --job-name=trap
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:10:00

trap 'echo "got SIGUSR1: saving a checkpoint"' USR1 # (1)!
trap 'echo "got SIGTERM: cleaning up"' TERM # (2)!
echo "running as job $SLURM_JOB_ID"
while true; do
    sleep 1
done
