"""Keras on several Slurm tasks with MultiWorkerMirroredStrategy: the digits network."""

import os
import socket

import tensorflow as tf
import tf_keras as keras  # (1)!
from sklearn.datasets import load_digits

port = 15000 + int(os.environ["SLURM_JOB_ID"]) % 1000 * 10  # (2)!
slurm_gpus = os.environ.get("CUDA_VISIBLE_DEVICES", "")  # (3)!
gpus = len(slurm_gpus.split(",")) if slurm_gpus else 0
resolver = tf.distribute.cluster_resolver.SlurmClusterResolver(
    port_base=port,
    gpus_per_task=gpus,
    gpus_per_node=gpus * int(os.environ["SLURM_NTASKS_PER_NODE"]),
    auto_set_gpu=False,
)  # (4)!
strategy = tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)  # (5)!
worker = resolver.task_id
chief = worker == 0  # (6)!
devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
print(f"worker {worker} on {socket.gethostname()}: {devices[0].name}, "
      f"{strategy.num_replicas_in_sync} replicas in all", flush=True)
print(f"worker {worker}: CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '')} "
      f"(Slurm set {slurm_gpus})", flush=True)

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target
per_replica_batch = 32
global_batch = per_replica_batch * strategy.num_replicas_in_sync  # (7)!
dataset = (
    tf.data.Dataset.from_tensor_slices((x, y))
    .shuffle(len(x), seed=0)
    .repeat()
    .batch(global_batch)
)

with strategy.scope():  # (8)!
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
history = model.fit(dataset, epochs=8, steps_per_epoch=len(x) // global_batch,
                    verbose=2 if chief else 0)

losses = history.history["loss"]
if chief and losses[-1] < losses[0]:
    print(f"loss fell: {losses[0]:.2f} -> {losses[-1]:.2f}")
