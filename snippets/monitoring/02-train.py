import os
import time

steps = int(os.environ.get("STEPS", "120"))
data = bytearray(200 * 1024 * 1024)  # stands in for a model and its data: 200 MB
for step in range(1, steps + 1):
    checksum = sum(data[::4096])  # a little work
    print(f"step {step} of {steps}")
    time.sleep(2)
print("done")
