"""What PyTorch sees on this node; run it on a GPU node with srun."""

import os
import socket

import torch

print(f"host: {socket.gethostname()}")
print(f"CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '(not set)')}")  # (1)!
print(f"torch {torch.__version__}, built for CUDA {torch.version.cuda}")  # (2)!
print(f"cuda.is_available(): {torch.cuda.is_available()}")
for index in range(torch.cuda.device_count()):
    print(f"GPU {index}: {torch.cuda.get_device_name(index)}")
