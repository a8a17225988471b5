#!/bin/bash
# test: run=sbatch state=TIMEOUT expect="^got SIGTERM at " expect="CANCELLED AT .* DUE TO TIME LIMIT" timeout=240
#SBATCH --job-name=timeout
#SBATCH --partition={{ cluster.partitions.debug.name }}
#SBATCH --ntasks=1
#SBATCH --time=00:01:00 # (1)

trap 'echo "got SIGTERM at $(date +%T)"' TERM # (2)!
echo "started at $(date +%T)"
while true; do
    sleep 1
done
