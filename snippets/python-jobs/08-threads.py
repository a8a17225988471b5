"""Show how many threads NumPy's maths library uses, and time a matrix product."""

import os
import time

import numpy as np
from threadpoolctl import threadpool_info

print("SLURM_CPUS_PER_TASK =", os.environ.get("SLURM_CPUS_PER_TASK"))
print("OMP_NUM_THREADS     =", os.environ.get("OMP_NUM_THREADS"))
for pool in threadpool_info():
    print(f"{pool['internal_api']}: {pool['num_threads']} threads")

a = np.random.default_rng(0).random((1500, 1500))
start = time.perf_counter()
a @ a
print(f"1500x1500 matrix product: {time.perf_counter() - start:.2f} s")
