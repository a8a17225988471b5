"""bench-cluster: how fast the test cluster starts and runs jobs.

Runs on a scratch cluster of its own (node names bcn01..., subnet
127.0.79.0/24), so the shared cluster and its jobs are not disturbed:

- seconds from `up` to all nodes idle: cold (empty state directory, so MariaDB
  initialises its data directory) and warm (after `down`);
- submission to observed completion of a trivial batch job (`sbatch --wrap true`,
  completion seen through the jobcomp file, as the tests' wait_job does);
- a trivial `srun true`, start to exit.

Targets (issue #3, on a 2-core machine): up <= 5 s, batch median <= 0.5 s,
srun median <= 0.2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from hpcdocs import ROOT
from hpcdocs.testcluster.jobs import JobWatcher
from hpcdocs.testcluster.plan import neighbour_subnet
from hpcdocs.testcluster.scratch import Scratch

TARGETS = {"up_warm": 5.0, "batch_median": 0.5, "srun_median": 0.2}


def timed_up(s: Scratch) -> float:
    t0 = time.monotonic()
    r = s.testcluster("up")
    if r.returncode:
        sys.exit(f"bench-cluster: up failed:\n{r.stderr}")
    return time.monotonic() - t0


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench-cluster",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--jobs", type=int, default=20, help="jobs per measurement (20)")
    parser.add_argument("--warm-ups", type=int, default=3, help="warm starts to time (3)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    s = Scratch(ROOT / ".cache" / "testcluster-bench", tag="b", subnet=neighbour_subnet(2))
    s.testcluster("down", "--purge")
    cold = timed_up(s)
    warm = []
    for _ in range(args.warm_ups):
        s.testcluster("down")
        warm.append(timed_up(s))
    env = s.shell_env()
    watcher = JobWatcher(env, s.state / "log" / "jobcomp.log")
    batch, srun = [], []
    try:
        for _ in range(args.jobs):
            t0 = time.monotonic()
            out = subprocess.run(
                ["sbatch", "--parsable", "-o", "/dev/null", "--wrap", "true"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            state = watcher.wait(out.strip().split(";")[0], timeout=60)
            batch.append(time.monotonic() - t0)
            if state != "COMPLETED":
                sys.exit(f"bench-cluster: a trivial job ended {state}")
        for _ in range(args.jobs):
            t0 = time.monotonic()
            subprocess.run(["srun", "true"], env=env, check=True)
            srun.append(time.monotonic() - t0)
    finally:
        s.testcluster("down")

    got = {
        "up_warm": statistics.median(warm),
        "batch_median": statistics.median(batch),
        "srun_median": statistics.median(srun),
    }
    print(f"up, cold (MariaDB initialises)   {cold:6.2f} s")
    print(
        f"up, warm (median of {len(warm)})          {got['up_warm']:6.2f} s   "
        f"[{', '.join(f'{w:.2f}' for w in warm)}]  target <= {TARGETS['up_warm']}"
    )
    print(
        f"batch job, {args.jobs} jobs: median {got['batch_median']:.3f} s, "
        f"p90 {p90(batch):.3f} s   target median <= {TARGETS['batch_median']}"
    )
    print(
        f"srun true, {args.jobs} runs: median {got['srun_median']:.3f} s, "
        f"p90 {p90(srun):.3f} s   target median <= {TARGETS['srun_median']}"
    )
    missed = [k for k, v in got.items() if v > TARGETS[k]]
    print("targets: " + ("all met" if not missed else "MISSED " + ", ".join(missed)))
    return 1 if (missed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
