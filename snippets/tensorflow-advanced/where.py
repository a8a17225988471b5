"""Which CUDA this TensorFlow was built for, which GPUs it sees, where it runs an operation."""

import tensorflow as tf

info = tf.sysconfig.get_build_info()  # (1)!
print(f"tensorflow {tf.__version__}: CUDA {info.get('cuda_version')}, "
      f"cuDNN {info.get('cudnn_version')}, for {info.get('cuda_compute_capabilities')}")
gpus = tf.config.list_physical_devices("GPU")  # (2)!
print(f"GPUs: {[tf.config.experimental.get_device_details(g) for g in gpus]}")

tf.debugging.set_log_device_placement(True)  # (3)!
a = tf.random.uniform((1000, 1000))
product = tf.matmul(a, a)
print(f"matmul ran on {product.device}")  # (4)!
