"""Report what this job got (host, CPUs, threads, GPUs), then do a little work."""

import os
import socket
import sys

import torch

print(f"host: {socket.gethostname()}")
print(f"arguments: {' '.join(sys.argv[1:]) or '(none)'}")
threads = os.environ.get("OMP_NUM_THREADS", "(not set)")
print(f"CPUs usable: {len(os.sched_getaffinity(0))}, OMP_NUM_THREADS={threads}")
print(f"torch threads: {torch.get_num_threads()}")
print(f"CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '(not set)')}")
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"GPUs seen by torch: {torch.cuda.device_count()}, computing on: {device}")

a = torch.rand(1000, 1000, device=device)
print(f"result: {(a @ a).sum().item() > 0}")
