# test: run=python env=torch gpu needs=pytorch/02-install-cuda.console expect="^matmul on cuda:0: OK" timeout=120
"""Proof that the GPU computes: a matrix product on the GPU, checked on the CPU."""

import torch

assert torch.cuda.is_available(), "no GPU visible: run this with srun on a GPU node"
a = torch.randn(2048, 2048, device="cuda")
b = torch.randn(2048, 2048, device="cuda")
product = (a @ b).cpu()  # (1)!
expected = a.cpu() @ b.cpu()
assert torch.allclose(product, expected, rtol=1e-3, atol=1e-2), "GPU and CPU results differ"
print(f"matmul on {a.device}: OK ({torch.cuda.get_device_name(0)})")
