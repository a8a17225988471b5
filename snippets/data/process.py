"""Stand-in for a long computation: one line of results per input file, about
a second per file, written at once (flush) so that a copy taken at any moment
holds every line finished so far."""

import sys
import time
import zlib
from pathlib import Path

src, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(exist_ok=True)
with open(out / "results.csv", "a") as results:
    for path in sorted(src.iterdir()):
        results.write(f"{path.name},{zlib.crc32(path.read_bytes())}\n")
        results.flush()
        time.sleep(1)  # the real work would be here
print(f"all {len(list(src.iterdir()))} files done")
