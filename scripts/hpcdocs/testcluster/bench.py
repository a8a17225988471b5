"""bench-cluster: how fast the test cluster starts and runs jobs.

Runs on a scratch cluster of its own (node names bcn01..., subnet
127.0.76.0/24 or --subnet), so the shared cluster and its jobs, and the tests'
scratch clusters (127.0.78 and .79), are not disturbed:

- seconds from `up` to all nodes idle: cold (empty state directory, so MariaDB
  initialises its data directory) and warm (after `down`);
- submission to observed completion of a trivial batch job (`sbatch --wrap true`,
  completion seen through the jobcomp file, as the tests' wait_job does);
- a trivial `srun true`, start to exit.

Targets (issue 13, on a 2-core machine): up warm <= 1 s, batch median <= 0.1 s
and p90 <= 0.2 s over 50 jobs, srun median <= 0.2 s. `make bench` (hpcdocs.bench)
prints these in one table with the test run's and the strict build's times.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from hpcdocs import ROOT, command_parser
from hpcdocs.testcluster.jobs import JobWatcher
from hpcdocs.testcluster.plan import neighbour_subnet
from hpcdocs.testcluster.scratch import Scratch

TARGETS = {"up_warm": 1.0, "batch_median": 0.1, "batch_p90": 0.2, "srun_median": 0.2}


def timed_up(s: Scratch) -> float:
    t0 = time.monotonic()
    r = s.testcluster("up")
    if r.returncode:
        sys.exit(f"bench-cluster: up failed:\n{r.stderr}")
    return time.monotonic() - t0


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


# The /24 before the test cluster's own (127.0.76.0/24 beside 127.0.77.0/24): none of the
# tests' (the shared cluster, and the scratch and login clusters after it).
DEFAULT_OFFSET = -1


def measure(jobs: int = 50, warm_ups: int = 3, subnet: str | None = None) -> dict:
    """Times on a scratch cluster of its own: up cold and warm, batch and srun round trips."""
    subnet = subnet or neighbour_subnet(DEFAULT_OFFSET)
    s = Scratch(ROOT / ".cache" / "testcluster-bench", tag="b", subnet=subnet)
    s.testcluster("down", "--purge")
    cold = timed_up(s)
    warm = []
    for _ in range(warm_ups):
        s.testcluster("down")
        warm.append(timed_up(s))
    env = s.shell_env()
    watcher = JobWatcher(env, s.state / "log" / "jobcomp.log")
    batch, srun = [], []
    try:
        for _ in range(jobs):
            t0 = time.monotonic()
            out = subprocess.run(
                ["sbatch", "--parsable", "-o", "/dev/null", "--wrap", "true"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            state = watcher.wait(out.strip().split(";")[0], timeout=60, accounting=False)
            batch.append(time.monotonic() - t0)
            if state != "COMPLETED":
                sys.exit(f"bench-cluster: a trivial job ended {state}")
        for _ in range(jobs):
            t0 = time.monotonic()
            subprocess.run(["srun", "true"], env=env, check=True)
            srun.append(time.monotonic() - t0)
    finally:
        s.testcluster("down")
    return {"cold": cold, "warm": warm, "batch": batch, "srun": srun}


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("bench-cluster", __doc__)
    parser.add_argument("--jobs", type=int, default=50, help="jobs per measurement (50)")
    parser.add_argument("--warm-ups", type=int, default=3, help="warm starts to time (3)")
    parser.add_argument(
        "--subnet", help="the scratch cluster's (default: the /24 before the test cluster's)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    m = measure(args.jobs, args.warm_ups, args.subnet)
    cold, warm, batch, srun = m["cold"], m["warm"], m["batch"], m["srun"]
    got = {
        "up_warm": statistics.median(warm),
        "batch_median": statistics.median(batch),
        "batch_p90": p90(batch),
        "srun_median": statistics.median(srun),
    }
    print(f"up, cold (MariaDB initialises)   {cold:6.2f} s")
    print(
        f"up, warm (median of {len(warm)})          {got['up_warm']:6.2f} s   "
        f"[{', '.join(f'{w:.2f}' for w in warm)}]  target <= {TARGETS['up_warm']}"
    )
    print(
        f"batch job, {args.jobs} jobs: median {got['batch_median']:.3f} s, "
        f"p90 {got['batch_p90']:.3f} s   target median <= {TARGETS['batch_median']}, "
        f"p90 <= {TARGETS['batch_p90']}"
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
