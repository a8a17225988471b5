#!/bin/bash
#SBATCH --job-name=effdemo
#SBATCH --partition={{ cluster.partitions.cpu.name }}
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=00:05:00
# One busy thread and 300 MB of memory, for 15 seconds.
python3 -c '
import time
data = bytearray(300 * 1024 * 1024)
end = time.time() + 15
while time.time() < end:
    pass
'
