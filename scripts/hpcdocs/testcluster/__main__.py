"""testcluster: bring the Slurm test cluster up or down, show it, or print
the shell exports that point sbatch, srun, module and friends at it."""

from __future__ import annotations

import signal
import sys

from hpcdocs import command_parser
from hpcdocs.testcluster import lifecycle, render
from hpcdocs.testcluster.plan import PlanError, make_plan

EPILOG = """\
commands:
  up      start every daemon that is not running (idempotent; recovers after a crash)
          and wait until all nodes are idle
  down    stop every daemon and job, remove the /etc/hosts entries and mock devices
          (the database and job history stay unless --purge)
  status  list the daemons and node states; exit 0 only if all are up
  env     print shell exports: eval "$(.venv/bin/testcluster env)"

environment:
  TESTCLUSTER_DIR  state directory (default: .cache/testcluster in the repository;
                   .cache/testcluster-NAME for another facts file NAME.yml)
  HPCDOCS_FACTS    cluster-facts file (default: cluster.yml in the repository), e.g. a
                   profile in clusters/; without testcluster.subnet it gets its own subnet
  TESTCLUSTER_SUBNET  loopback subnet, instead of the facts' testcluster.subnet
                   (the Containerfile sets 127.0.84.0/24: beside a host's cluster)
"""


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("testcluster", __doc__, EPILOG)
    parser.add_argument("command", choices=["up", "down", "status", "env"])
    parser.add_argument(
        "--purge", action="store_true", help="with down: also delete the state directory's contents"
    )
    args = parser.parse_args(argv)
    try:
        plan = make_plan()
    except (PlanError, OSError) as exc:
        print(f"testcluster: {exc}", file=sys.stderr)
        return 2
    if args.command == "env":
        sys.stdout.write(render.env_exports(plan))
        return 0
    if args.command == "status":
        ok, report = lifecycle.status(plan)
        print(report)
        return 0 if ok else 1
    if args.command == "down":
        try:
            lifecycle.down(plan, purge=args.purge)
        except lifecycle.DownError as exc:
            print(f"testcluster: down failed: {exc}", file=sys.stderr)
            return 1
        return 0
    # SIGTERM (e.g. `timeout`) stops the daemons this `up` started, as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        seconds = lifecycle.up(plan)
    except lifecycle.UpError as exc:
        print(f"testcluster: up failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"testcluster: up ({len(plan.nodes)} nodes idle, {seconds:.2f} s); "
        f'use: eval "$(.venv/bin/testcluster env)"',
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
