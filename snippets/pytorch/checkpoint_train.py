"""Training that outlives its time limit: on SIGUSR1 it saves a checkpoint and
requeues its own job; the requeued job resumes from the checkpoint."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 2000
CHECKPOINT = Path("checkpoint.pt")

time_is_up = False


def on_usr1(signum, frame):
    global time_is_up
    time_is_up = True  # (1)!


signal.signal(signal.SIGUSR1, on_usr1)

torch.set_num_threads(1)
digits = load_digits()
x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
loss_fn = nn.CrossEntropyLoss()


def save(epoch):
    state = {"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict()}
    torch.save(state, "checkpoint.tmp")
    os.replace("checkpoint.tmp", CHECKPOINT)  # (2)!


first_epoch = 1
if CHECKPOINT.exists():  # (3)!
    state = torch.load(CHECKPOINT)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    first_epoch = state["epoch"] + 1
    print(f"resumed from {CHECKPOINT} at epoch {first_epoch}", flush=True)

restarts = os.environ.get("SLURM_RESTART_COUNT", "0")
print(f"job {os.environ.get('SLURM_JOB_ID')}, restart {restarts}", flush=True)

for epoch in range(first_epoch, EPOCHS + 1):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if epoch % 100 == 0:
        print(f"epoch {epoch:3d} loss {total / len(x):.4f}", flush=True)
    if time_is_up and epoch < EPOCHS:
        save(epoch)
        print(f"time limit near: saved epoch {epoch}, requeueing", flush=True)
        subprocess.run(["scontrol", "requeue", os.environ["SLURM_JOB_ID"]], check=True)  # (4)!
        sys.exit(0)

signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # (5)!
print(f"finished all {EPOCHS} epochs")
CHECKPOINT.unlink(missing_ok=True)
