"""PyTorch Lightning on Slurm: the digits network, one process per GPU on every node."""

import os
import signal
import socket

import lightning as L  # noqa: N812 (Lightning's own spelling)
import torch
from lightning.pytorch.plugins.environments import SLURMEnvironment
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class Digits(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        self.losses = []

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self.net(x), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True, sync_dist=True)  # (1)!
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.2)

    def on_fit_start(self):
        rank, world = self.trainer.global_rank, self.trainer.world_size
        print(f"rank {rank}/{world} on {socket.gethostname()}\n", end="", flush=True)

    def on_train_epoch_end(self):
        self.losses.append(self.trainer.callback_metrics["train_loss"].item())
        if self.trainer.is_global_zero:
            print(f"epoch {self.current_epoch + 1:2d} loss {self.losses[-1]:.4f}", flush=True)

    def on_train_end(self):
        if self.trainer.is_global_zero and self.losses[-1] < self.losses[0]:
            print(f"loss fell: {self.losses[0]:.2f} -> {self.losses[-1]:.2f}", flush=True)


def main():
    if not torch.cuda.is_available():
        torch.set_num_threads(1)
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)  # (2)!

    plugins = []
    if SLURMEnvironment.detect():  # (3)!
        plugins.append(SLURMEnvironment(auto_requeue=True, requeue_signal=signal.SIGUSR1))
    trainer = L.Trainer(
        accelerator="auto",  # (4)!
        devices=int(os.environ.get("SLURM_NTASKS_PER_NODE", "1")),  # (5)!
        num_nodes=int(os.environ.get("SLURM_NNODES", "1")),
        strategy="ddp",
        max_epochs=6,
        plugins=plugins,
        enable_progress_bar=False,
        logger=False,
    )
    trainer.fit(Digits(), loader)


if __name__ == "__main__":
    main()
