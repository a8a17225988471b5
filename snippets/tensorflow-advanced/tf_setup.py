"""Set TensorFlow up for this Slurm job: threads, GPU memory, precision.
Call configure() first thing, before any other TensorFlow work."""

import os

import keras
import tensorflow as tf


def configure():
    cpus = int(os.environ.get("SLURM_CPUS_PER_TASK", "1"))  # (1)!
    gpus = tf.config.list_physical_devices("GPU")  # (2)!
    try:
        tf.config.threading.set_intra_op_parallelism_threads(cpus)  # (3)!
        tf.config.threading.set_inter_op_parallelism_threads(min(cpus, 2))  # (4)!
        for gpu in gpus:
            tf.config.experimental.set_memory_growth(gpu, True)  # (5)!
    except RuntimeError as exc:  # (6)!
        raise SystemExit(
            f"tf_setup.configure() came too late: TensorFlow has already set up its "
            f"devices ({exc}). Call it before any other TensorFlow work."
        ) from exc
    if gpus:
        print(f"GPUs: {len(gpus)}, memory growth on")
    else:
        print("GPUs: none visible, TensorFlow runs on the CPU")  # (7)!
    capabilities = [
        tf.config.experimental.get_device_details(gpu).get("compute_capability", (0, 0))
        for gpu in gpus
    ]
    if capabilities and min(capabilities) >= (7, 0):  # (8)!
        policy = "mixed_float16"
    else:
        policy = "float32"  # (9)!
    keras.mixed_precision.set_global_policy(policy)
    print(f"precision policy: {policy} (compute capabilities: {capabilities or 'no GPU'})")
    return cpus
