"""One process per GPU (or per task on CPU): check that all of them can talk.

Started by torchrun (RANK, LOCAL_RANK, WORLD_SIZE) or by srun (SLURM_PROCID ...).
Uses NCCL on GPUs and gloo on CPUs.
"""

import os
import socket

import torch
import torch.distributed as dist

if "RANK" in os.environ:
    rank, local_rank, world = (int(os.environ[k]) for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE"))
else:
    rank, local_rank, world = (
        int(os.environ[k]) for k in ("SLURM_PROCID", "SLURM_LOCALID", "SLURM_NTASKS")
    )

if torch.cuda.is_available():
    torch.cuda.set_device(local_rank % torch.cuda.device_count())
    device, backend = torch.device("cuda"), "nccl"
else:
    torch.set_num_threads(1)
    device, backend = torch.device("cpu"), "gloo"
dist.init_process_group(backend, rank=rank, world_size=world)

# One write per line (text and newline together): ranks on one node share the output file.
print(f"rank {rank}/{world} on {socket.gethostname()}: {backend}\n", end="", flush=True)
total = torch.tensor([rank + 1.0], device=device)
dist.all_reduce(total)  # every rank adds its number; all get the sum
if rank == 0:
    print(f"all_reduce: {total.item():.0f} (expected {world * (world + 1) // 2})")
dist.destroy_process_group()
