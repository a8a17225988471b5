"""Data-parallel training (DDP) on scikit-learn's digits: one process per GPU.

Started by srun (one task per GPU) or by torchrun (one torchrun per node).
Uses NCCL on GPUs and gloo on CPUs.
"""

import os
import socket

import torch
import torch.distributed as dist
from sklearn.datasets import load_digits
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

EPOCHS = 10


def ranks():
    """(rank, local rank, world size) from torchrun or, failing that, from srun."""
    if "RANK" in os.environ:  # (1)!
        names = ("RANK", "LOCAL_RANK", "WORLD_SIZE")
    else:  # (2)!
        names = ("SLURM_PROCID", "SLURM_LOCALID", "SLURM_NTASKS")
    return tuple(int(os.environ[name]) for name in names)


rank, local_rank, world_size = ranks()
if torch.cuda.is_available():
    gpu = local_rank % torch.cuda.device_count()  # (3)!
    torch.cuda.set_device(gpu)
    device, backend = torch.device("cuda", gpu), "nccl"
else:
    torch.set_num_threads(1)
    device, backend = torch.device("cpu"), "gloo"
dist.init_process_group(backend, rank=rank, world_size=world_size)  # (4)!
# One write per line (text and newline together): ranks on one node share the output file.
print(
    f"rank {rank}/{world_size} on {socket.gethostname()}: {backend} on {device}\n",
    end="",
    flush=True,
)

digits = load_digits()
x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
dataset = TensorDataset(x, y)
sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank)  # (5)!
loader = DataLoader(dataset, batch_size=32, sampler=sampler)

torch.manual_seed(0)  # the same initial weights on every rank
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
model = DistributedDataParallel(model)  # (6)!
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.CrossEntropyLoss()

losses = []
for epoch in range(1, EPOCHS + 1):
    sampler.set_epoch(epoch)  # (7)!
    total = torch.zeros(2, device=device)  # summed loss, sample count
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += torch.tensor([loss.item() * len(xb), len(xb)], device=device)
    dist.all_reduce(total)  # (8)!
    losses.append((total[0] / total[1]).item())
    if rank == 0:
        print(f"epoch {epoch:2d} loss {losses[-1]:.4f}", flush=True)

if rank == 0:
    if losses[-1] < losses[0]:
        print(f"loss fell: {losses[0]:.2f} -> {losses[-1]:.2f}")
    torch.save(model.module.state_dict(), "digits-ddp.pt")  # (9)!
# Every rank waits here until rank 0 has saved: ranks that left at once, while rank 0
# still wrote, were seen to abort on leaving ("terminate called without an active exception").
dist.barrier()
dist.destroy_process_group()
