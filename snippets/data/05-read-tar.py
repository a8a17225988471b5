# test: run=python needs=data/04-pack.console expect="^read 200 files, 2200 bytes, from \S+/samples\.tar$"
"""Read every file of a tar archive in place, without unpacking it."""

import os
import tarfile

path = os.path.expandvars("$WORK/samples.tar")
count = size = 0
with tarfile.open(path) as tar:
    for member in tar:  # (1)!
        if member.isfile():
            data = tar.extractfile(member).read()  # the file's bytes
            count += 1
            size += len(data)
print(f"read {count} files, {size} bytes, from {path}")
