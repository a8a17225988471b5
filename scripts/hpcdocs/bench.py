"""`make bench`: the project's speed figures in one table (issue 13's targets).

- make test: wall time of the last `make test` (build/make-test.json, written by
  the Makefile's test target: seconds, exit status, pytest workers, date);
  `--run-tests` runs `make test` first;
- strict build: `mkdocs build --strict` into a temporary directory, timed here;
- test cluster `up` (warm), batch job round trip median and p90, `srun true`
  median: hpcdocs.testcluster.bench, on a scratch cluster of its own.

Figures are printed, never asserted: the machine's load moves them (`uptime` is
printed with them). --check exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from hpcdocs import ROOT, command, command_parser
from hpcdocs.testcluster import bench as cluster_bench

RECORD = ROOT / "build" / "make-test.json"
# (label, target, unit); the target is an upper bound
ROWS = {
    "make_test": ("make test (set-up done), wall", 300.0, "s"),
    "strict_build": ("mkdocs build --strict", 5.0, "s"),
    "up_warm": ("testcluster up, warm (median)", cluster_bench.TARGETS["up_warm"], "s"),
    "batch_median": ("batch job round trip, median", cluster_bench.TARGETS["batch_median"], "s"),
    "batch_p90": ("batch job round trip, p90", cluster_bench.TARGETS["batch_p90"], "s"),
    "srun_median": ("srun true, median", cluster_bench.TARGETS["srun_median"], "s"),
}


def strict_build_seconds() -> tuple[float, str]:
    """Wall seconds of `mkdocs build --strict` run as `make build` runs it (the venv's
    mkdocs, in the repository), and a note: its CPU seconds, and whether the notebook cache
    was warm (.cache/mkdocs-jupyter: a build after one whose notebooks did not change,
    as a maintainer's usually is; cold, every notebook is converted, ~5 s of CPU more)."""
    warm = any((ROOT / ".cache" / "mkdocs-jupyter").glob("*/*.json"))
    with tempfile.TemporaryDirectory(prefix="bench-build.") as site:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        r = subprocess.run(
            [command("mkdocs"), "build", "--strict", "--site-dir", site],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        sys.exit(f"bench: mkdocs build --strict failed:\n{r.stderr[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, f"{cpu:.1f} s CPU, notebook cache {'warm' if warm else 'cold'}"


def last_test_run() -> tuple[float | None, str]:
    try:
        record = json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, f"no record ({RECORD.relative_to(ROOT)}): run make test, or --run-tests"
    note = f"{record.get('date', '?')}, exit {record.get('exit', '?')}, -n {record.get('workers', '?')}"
    return float(record["seconds"]), note


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("bench", __doc__)
    parser.add_argument("--run-tests", action="store_true", help="run `make test` first")
    parser.add_argument("--jobs", type=int, default=50, help="batch jobs and sruns (50)")
    parser.add_argument("--subnet",
                        help="the bench's scratch cluster (default: the /24 before the test cluster's)")  # fmt: skip
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    if args.run_tests:
        subprocess.run(["make", "test"], cwd=ROOT)
    got, notes = {}, {}
    got["make_test"], notes["make_test"] = last_test_run()
    got["strict_build"], notes["strict_build"] = strict_build_seconds()
    m = cluster_bench.measure(args.jobs, 3, args.subnet)
    got["up_warm"] = statistics.median(m["warm"])
    notes["up_warm"] = "[" + ", ".join(f"{w:.2f}" for w in m["warm"]) + f"], cold {m['cold']:.2f} s"
    got["batch_median"] = statistics.median(m["batch"])
    got["batch_p90"] = cluster_bench.p90(m["batch"])
    notes["batch_median"] = notes["batch_p90"] = f"{len(m['batch'])} jobs"
    got["srun_median"] = statistics.median(m["srun"])
    notes["srun_median"] = f"{len(m['srun'])} runs"

    print(f"{'what':34} {'value':>9} {'target':>9}  {'':6} notes")
    missed = []
    for key, (label, target, unit) in ROWS.items():
        value = got[key]
        shown = "-" if value is None else f"{value:.3f}"
        verdict = "-" if value is None else ("ok" if value <= target else "MISSED")
        if verdict == "MISSED":
            missed.append(key)
        print(
            f"{label:34} {shown:>8}{unit} {'<= ' + format(target, 'g'):>8}{unit}  {verdict:6} {notes.get(key, '')}"
        )
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load: {load}")
    return 1 if (missed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
