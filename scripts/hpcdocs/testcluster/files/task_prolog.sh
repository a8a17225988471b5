#!/bin/sh
# TaskProlog of the test cluster: runs before each task; its "export NAME=value"
# lines become the task's environment. GPU nodes get the stand-in nvidia-smi on
# PATH, as a real GPU node has one. gpu-nodes (beside the stand-in, written by
# `scripts/testcluster up`) lists the GPU nodes' names. Shell builtins only:
# it runs before every task, so it must cost nothing.
bin=${0%/etc/*}/gpu-node-bin
read -r gpu_nodes < "$bin/gpu-nodes"
case " $gpu_nodes " in
  *" $SLURMD_NODENAME "*) echo "export PATH=$bin:$PATH" ;;
esac
