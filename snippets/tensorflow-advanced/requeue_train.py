"""Keras training that outlives its time limit: BackupAndRestore saves every
epoch; on SIGUSR1 training stops after the epoch and the job requeues itself."""

import os
import shutil
import signal
import subprocess
import sys

time_is_up = False


def on_usr1(signum, frame):
    global time_is_up
    time_is_up = True


signal.signal(signal.SIGUSR1, on_usr1)  # (1)!

import keras  # noqa: E402
import tf_setup  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

EPOCHS = 1200
BACKUP = "backup"
restart = os.environ.get("SLURM_RESTART_COUNT", "0")
cpus = tf_setup.configure()


class StopWhenTimeIsUp(keras.callbacks.Callback):
    first_epoch = None
    stopped_after = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.first_epoch is None:
            self.first_epoch = epoch + 1
            step = int(self.model.optimizer.iterations)
            print(f"restart {restart}: starts at epoch {epoch + 1}, optimizer at step {step}",
                  flush=True)  # (2)!

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % 100 == 0:
            print(f"epoch {epoch + 1} loss {logs['loss']:.4f}", flush=True)
        if time_is_up and epoch + 1 < EPOCHS:
            self.stopped_after = epoch + 1
            self.model.stop_training = True  # (3)!


digits = load_digits()
x, y = (digits.data / 16.0).astype("float32"), digits.target
model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax", dtype="float32"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

backup = keras.callbacks.BackupAndRestore(BACKUP, double_checkpoint=True,
                                          delete_checkpoint=False)  # (4)!
stop = StopWhenTimeIsUp()
model.fit(x, y, batch_size=64, epochs=EPOCHS, verbose=0, callbacks=[backup, stop])  # (5)!

if stop.stopped_after:
    print(f"time limit near: epochs 1-{stop.stopped_after} saved in {BACKUP}/, requeueing; "
          f"the next run starts at epoch {stop.stopped_after + 1}", flush=True)
    subprocess.run(["scontrol", "requeue", os.environ["SLURM_JOB_ID"]], check=True)  # (6)!
    sys.exit(0)

signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # (7)!
print(f"finished all {EPOCHS} epochs")
shutil.rmtree(BACKUP)
