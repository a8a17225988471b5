"""What TensorFlow sees on this node; run it on a GPU node with srun."""

import os
import socket

import tensorflow as tf

print(f"host: {socket.gethostname()}")
print(f"CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '(not set)')}")
print(f"tensorflow {tf.__version__}, built with CUDA: {tf.test.is_built_with_cuda()}")  # (1)!
print(f"GPUs: {tf.config.list_physical_devices('GPU')}")  # (2)!
