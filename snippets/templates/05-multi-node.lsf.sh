#!/bin/bash
# test: run=bsub with=templates/ddp_check.py needs=conda/09-create-torch-env.sh
# test: expect="^rank [0-3]/4 on {{ cluster.partitions.gpu.node_prefix }}01: " expect="^rank [0-3]/4 on {{ cluster.partitions.gpu.node_prefix }}02: "
# test: expect="^all_reduce: 10 \(expected 10\)$" reject="^rank [0-9]+/(?!4 on )" timeout=180
# test: task-omp=2 task-gpus=2
#BSUB -J multi-node
#BSUB -q {{ cluster.partitions.gpu.name }}
#BSUB -n 8 # (1)
#BSUB -R "span[ptile=4]"
#BSUB -gpu "num=2"
#BSUB -R "rusage[mem=64GB/host]"
#BSUB -W 4:00
#BSUB -o multi-node.%J.out

module purge
module load {{ cluster.modules.conda }}
eval "$(conda shell.bash hook)"
conda activate torch

read -r -a hosts <<< "$(echo "$LSB_HOSTS" | tr ' ' '\n' | uniq | tr '\n' ' ')" # (2)!
export OMP_NUM_THREADS=2

blaunch -z "${hosts[*]}" torchrun \
    --nnodes="${#hosts[@]}" \
    --nproc-per-node=2 \
    --rdzv-id="$LSB_JOBID" \
    --rdzv-backend=c10d \
    --rdzv-endpoint="${hosts[0]}:$((20000 + LSB_JOBID % 10000))" \
    ddp_check.py # (3)!
