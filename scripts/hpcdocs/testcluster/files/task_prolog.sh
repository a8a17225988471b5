#!/bin/sh
# TaskProlog of the test cluster: runs before each task; its "export NAME=value"
# lines become the task's environment. GPU nodes get the stand-in nvidia-smi on
# PATH, as a real GPU node has one. gpu-nodes (beside the stand-in, written by
# `testcluster up`) lists the GPU nodes' names. Shell builtins only
# (on GPU nodes one subshell per GPU device too): it runs before every task, so
# it must cost next to nothing.
state=${0%/etc/*}
bin=$state/gpu-node-bin
read -r gpu_nodes < "$bin/gpu-nodes"
gpu_node=
case " $gpu_nodes " in
  *" $SLURMD_NODENAME "*) gpu_node=1; echo "export PATH=$bin:$PATH" ;;
esac
# One record per task, for the snippet tests (task-* header keys,
# hpcdocs.testcluster.tasks): what this task was given, as the task sees it
# (the environment the program starts with, before its own changes). A name
# that is unset is left out: unset and empty CUDA_VISIBLE_DEVICES differ.
# tasks/ is 1777 (made by `up`); where the file cannot be written the task
# runs all the same.
{
  for name in SLURM_JOB_ID SLURM_ARRAY_JOB_ID SLURM_ARRAY_TASK_ID SLURM_STEP_ID \
      SLURM_PROCID SLURM_LOCALID SLURM_NODEID SLURMD_NODENAME SLURM_CPUS_ON_NODE \
      SLURM_CPUS_PER_TASK SLURM_STEP_NUM_TASKS SLURM_STEP_TASKS_PER_NODE \
      OMP_NUM_THREADS CUDA_VISIBLE_DEVICES SLURM_STEP_GPUS SLURM_JOB_GPUS; do
    eval "isset=\${$name+x} value=\${$name-}"
    [ -n "$isset" ] && printf '%s=%s\n' "$name" "$value"
  done
  # On a GPU node: the node's (mock) GPU devices this task may open, as the
  # device cgroup decides (ENXIO: allowed, no driver behind it; EPERM: not its GPU).
  if [ -n "$gpu_node" ]; then
    allowed=
    for dev in "$state"/dev/nvidia[0-9]*; do
      case $( (exec 3<"$dev") 2>&1 ) in
        *"not permitted"*) ;;
        *) allowed="$allowed${allowed:+,}${dev##*/}" ;;
      esac
    done
    printf 'GPU_DEVICES=%s\n' "$allowed"
  fi
  while read -r key value; do
    case $key in Cpus_allowed_list:) printf 'Cpus_allowed_list=%s\n' "$value" ;; esac
  done < /proc/self/status
} 2>/dev/null > "$state/tasks/${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}.$SLURM_JOB_ID.$SLURM_STEP_ID.$SLURM_PROCID"
exit 0
