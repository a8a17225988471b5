"""A PyTorch Dataset that reads its samples straight out of one tar file, with
one loader process per CPU the job has, less one for the main process."""

import os
import tarfile

import torch
from torch.utils.data import DataLoader, Dataset, get_worker_info


class TarDataset(Dataset):
    def __init__(self, path):
        self.path = path
        with tarfile.open(path) as tar:  # (1)!
            self.members = [(m.offset_data, m.size) for m in tar if m.isfile()]
        self.fd = None

    def __len__(self):
        return len(self.members)

    def __getitem__(self, i):
        if self.fd is None:  # (2)!
            self.fd = os.open(self.path, os.O_RDONLY)
        offset, size = self.members[i]
        data = os.pread(self.fd, size, offset)
        worker = get_worker_info()
        return torch.tensor(list(data[:10])), worker.id if worker else -1


cpus = int(os.environ.get("SLURM_CPUS_PER_TASK", "1"))
workers = max(cpus - 1, 0)  # (3)!
loader = DataLoader(
    TarDataset(os.path.expandvars("$WORK/samples.tar")),
    batch_size=16,
    shuffle=True,
    num_workers=workers,
    pin_memory=torch.cuda.is_available(),  # (4)!
)
seen, used = 0, set()
for batch, worker_ids in loader:
    seen += len(batch)  # training on the batch would go here
    used.update(worker_ids.tolist())
print(f"{cpus} CPUs, num_workers={workers}: {seen} samples, from workers {sorted(used)}")
