# test: run=python env=torch gpu expect="^batch 256: peak [0-9.]+ GiB of [0-9.]+ GiB$" expect="^batch [0-9]+: out of memory$" timeout=600
"""Peak GPU memory of one training step, for growing batch sizes, up to one that does not fit."""

import torch

assert torch.cuda.is_available(), "no GPU visible: run this with srun on a GPU node"
device = torch.device("cuda")
model = torch.nn.Sequential(
    torch.nn.Linear(4096, 4096), torch.nn.ReLU(), torch.nn.Linear(4096, 10)
).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
total = torch.cuda.get_device_properties(device).total_memory / 2**30

batch = 256
while True:
    torch.cuda.reset_peak_memory_stats(device)  # (1)!
    try:
        x = torch.randn(batch, 4096, device=device)
        model(x).sum().backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    except torch.OutOfMemoryError:  # (2)!
        print(f"batch {batch}: out of memory")
        break
    peak = torch.cuda.max_memory_allocated(device) / 2**30
    print(f"batch {batch}: peak {peak:.2f} GiB of {total:.1f} GiB")
    del x
    batch *= 2
