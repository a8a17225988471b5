# test: run=python env=tf with=tensorflow-advanced/tf_setup.py needs=conda/11-create-tf-env.sh
# test: exit=1 expect="^tf_setup\.configure\(\) came too late: TensorFlow has already set up its devices"
"""The wrong order: an operation first, configure() after it."""

import tensorflow as tf
import tf_setup

print(tf.reduce_sum(tf.ones(3)))  # (1)!
tf_setup.configure()
