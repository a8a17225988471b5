#!/bin/bash
# test: run=bsub expect="^slots: {{ cluster.partitions.cpu.node_prefix }}01 {{ cluster.partitions.cpu.node_prefix }}01 {{ cluster.partitions.cpu.node_prefix }}02 {{ cluster.partitions.cpu.node_prefix }}02$"
# test: expect="^one task on {{ cluster.partitions.cpu.node_prefix }}01$" expect="^one task on {{ cluster.partitions.cpu.node_prefix }}02$" timeout=90
# test: task-omp=unset
#BSUB -J hosts
#BSUB -q {{ cluster.partitions.cpu.name }}
#BSUB -n 4
#BSUB -R "span[ptile=2]"
#BSUB -W 10
#BSUB -o hosts.%J.out

echo "slots: $LSB_HOSTS" # (1)!
blaunch hostname # (2)!
read -r -a hosts <<< "$(echo "$LSB_HOSTS" | tr ' ' '\n' | uniq | tr '\n' ' ')"
# shellcheck disable=SC2016
blaunch -z "${hosts[*]}" 'echo "one task on $(hostname)"' # (3)!
