"""Keras on one node: threads and tf.data sized from the job's CPUs,
GPU memory growth, mixed precision where the GPU has it."""

import os

import keras
import tensorflow as tf
import tf_setup
from sklearn.datasets import load_digits

cpus = tf_setup.configure()  # (1)!

digits = load_digits()
x = digits.images[..., None].astype("float32")  # 8x8 pictures, one channel
y = digits.target


def augment(image, label):
    image = tf.image.random_flip_left_right(image) / 16.0
    return image, label


dataset = (
    tf.data.Dataset.from_tensor_slices((x, y))
    .cache()  # (2)!
    .shuffle(len(x), seed=0)
    .map(augment, num_parallel_calls=cpus)  # (3)!
    .batch(64)
    .prefetch(tf.data.AUTOTUNE)  # (4)!
)
options = tf.data.Options()
options.threading.private_threadpool_size = cpus  # (5)!
dataset = dataset.with_options(options)

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.Flatten(),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10),
    keras.layers.Activation("softmax", dtype="float32"),  # (6)!
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

print(
    f"SLURM_CPUS_PER_TASK={os.environ.get('SLURM_CPUS_PER_TASK')}: "
    f"intra-op threads {tf.config.threading.get_intra_op_parallelism_threads()}, "
    f"inter-op threads {tf.config.threading.get_inter_op_parallelism_threads()}, "
    f"tf.data threads {dataset.options().threading.private_threadpool_size}"
)
print(f"layers compute in {model.layers[0].compute_dtype}, output in {model.outputs[0].dtype}")
history = model.fit(dataset, epochs=3, verbose=2)
print(f"accuracy after 3 epochs: {history.history['accuracy'][-1]:.2f}")
