"""snippets: the site's snippets by page and tier, and running one by hand.

snippets report          counts per page and per tier, coverage, run times
snippets list [--tier T] snippets with their run=, tier and pages
snippets run PATH...     check and run snippets against the test cluster,
                         the way the tests do (PATH relative to snippets/)
"""

from __future__ import annotations

import json
import sys

from hpcdocs import command_parser, tested
from hpcdocs.snippettests import TIERS, Catalog, static

COLUMNS = ("static", "login", "cluster", "gpu", "none")


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("snippets", __doc__.split("\n\n")[0], __doc__.split("\n\n", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="counts per page and per tier, coverage, run times")
    rep.add_argument("--json", action="store_true", help="print the figures as JSON")
    lst = sub.add_parser("list", help="every snippet with its run=, tier and pages")
    lst.add_argument("--tier", choices=TIERS, help="only this tier")
    run = sub.add_parser("run", help="check and run snippets as the tests do")
    run.add_argument("paths", nargs="+", metavar="PATH", help="snippet path under snippets/")
    run.add_argument("--static-only", action="store_true", help="only the static checks")
    args = parser.parse_args(argv)
    catalog = Catalog.load()
    if args.command == "report":
        figures = report(catalog, tested.load() or {})
        print(json.dumps(figures, indent=1, ensure_ascii=False) if args.json else show(figures))
        return 0
    if args.command == "list":
        for snip in catalog.snippets:
            if args.tier is None or snip.tier == args.tier:
                state = f"BROKEN: {snip.error}" if snip.error else ", ".join(snip.pages) or "-"
                print(f"{snip.path:45} {snip.run_mode or 'with':8} {snip.tier:8} {state}")
        return 0
    return run_by_hand(catalog, args.paths, args.static_only)


def report(catalog: Catalog, results: dict) -> dict:
    """The figures: per page, per tier, coverage (see show())."""
    per_page = []
    for page in catalog.pages:
        row = {"page": page.name, "blocks": len(page.fences), "waivers": len(page.waivers)}
        row.update({tier: 0 for tier in COLUMNS})
        for path in dict.fromkeys(inc.path for inc in page.includes):
            if path in catalog.by_path:
                row[catalog[path].tier] += 1
        per_page.append(row)
    entries = results.get("snippets", {})
    per_tier = {}
    for tier in COLUMNS:
        snips = [s for s in catalog.snippets if s.tier == tier]
        outcomes = [_outcome(s, entries.get(s.path, {})) for s in snips]
        per_tier[tier] = {
            "snippets": len(snips),
            **{k: outcomes.count(k) for k in ("passed", "failed", "skipped", "untested")},
            "seconds": round(sum(entries.get(s.path, {}).get("duration", 0.0) for s in snips), 1),
        }
    fences = [f for page in catalog.pages for f in page.fences]
    static_seconds = sum(
        e.get("parts", {}).get("static", {}).get("duration", 0.0) for e in entries.values()
    )
    return {
        "static_checks_seconds": round(static_seconds, 1),
        "results": {k: results.get(k) for k in ("date", "slurm", "gpus")},
        "pages": per_page,
        "tiers": per_tier,
        "coverage": {
            "code_blocks": len(fences),
            "from_snippets": sum(f.from_snippets for f in fences),
            "waived": sum(f.problem() is None and not f.from_snippets for f in fences),
            "uncovered": sum(f.problem() is not None for f in fences),
            "snippets": len(catalog.snippets),
            "included": sum(bool(s.pages) for s in catalog.snippets),
            "executed": sum(s.executed for s in catalog.snippets),
            "tested_by": sum(bool(s.tested_by) for s in catalog.snippets),
            "not_executed_with_why": sum(
                not s.executed and not s.tested_by and bool(s.header and s.header.why)
                for s in catalog.snippets
            ),
            "broken_headers": sum(bool(s.error) for s in catalog.snippets),
            "requires_command": sum(bool(s.requires) for s in catalog.snippets),
        },
    }


def _outcome(snip, entry: dict) -> str:
    """A snippet's outcome as the report counts it: a requires= snippet skipped because
    its command is missing was not run at all, so it counts as not run (untested)."""
    outcome = entry.get("outcome", "untested")
    if outcome == "skipped" and snip.requires and entry.get("reason", "").startswith("requires="):
        return "untested"
    return outcome


def show(figures: dict) -> str:
    out = []
    res = figures["results"]
    if res.get("date"):
        out.append(f"Results of {res['date']}: Slurm {res['slurm']}, {res['gpus']} GPUs "
                   "(build/tested.json)\n")  # fmt: skip
    else:
        out.append("No build/tested.json yet (run `make test`): counts only, no outcomes.\n")
    head = f"{'page':40} {'blocks':>6} " + " ".join(f"{c:>7}" for c in COLUMNS) + f" {'waivers':>7}"
    out += [head, "-" * len(head)]
    for row in figures["pages"]:
        cells = " ".join(f"{row[c]:>7}" for c in COLUMNS)
        out.append(f"{row['page']:40} {row['blocks']:>6} {cells} {row['waivers']:>7}")
    out.append("")
    head = f"{'tier':8} {'snippets':>8} {'passed':>7} {'failed':>7} {'skipped':>7} " \
           f"{'not run':>7} {'seconds':>8}"  # fmt: skip
    out += [head, "-" * len(head)]
    for tier, row in figures["tiers"].items():
        out.append(f"{tier:8} {row['snippets']:>8} {row['passed']:>7} {row['failed']:>7} "
                   f"{row['skipped']:>7} {row['untested']:>7} {row['seconds']:>8}")  # fmt: skip
    out.append(
        f"(seconds: static checks and runs together; the static checks of all snippets "
        f"took {figures['static_checks_seconds']} s)"
    )
    cov = figures["coverage"]
    pct = lambda a, b: f"{100 * a / b:.0f}%" if b else "-"  # noqa: E731
    out += [
        "",
        f"code blocks in docs/: {cov['code_blocks']}, from snippets {cov['from_snippets']} "
        f"({pct(cov['from_snippets'], cov['code_blocks'])}), waived {cov['waived']}, "
        f"uncovered {cov['uncovered']}",
        f"snippets: {cov['snippets']}, included by a page {cov['included']} "
        f"({pct(cov['included'], cov['snippets'])}), executed by a test {cov['executed']} "
        f"({pct(cov['executed'], cov['snippets'])}), run by a named test instead (tested-by=) "
        f"{cov['tested_by']}: {cov['executed'] + cov['tested_by']} in all "
        f"({pct(cov['executed'] + cov['tested_by'], cov['snippets'])}), not run with why= "
        f"{cov['not_executed_with_why']}, broken headers {cov['broken_headers']}",
        f"snippets that run only where a command is on PATH (requires=): "
        f"{cov['requires_command']}; skipped for it, they count as not run",
    ]
    return "\n".join(out)


def run_by_hand(catalog: Catalog, paths: list[str], static_only: bool) -> int:
    from hpcdocs.snippettests.runner import Runner
    from hpcdocs.snippettests.runner import report as failure_report

    status = 0
    runner = None
    for path in paths:
        path = path.removeprefix("snippets/")
        if path not in catalog.by_path:
            print(f"{path}: no such snippet under snippets/", file=sys.stderr)
            status = 2
            continue
        snip = catalog[path]
        problems = static.check(snip)
        print(f"{snip.source}: static {'FAILED' if problems else 'passed'}")
        for problem in problems:
            print(f"  {problem}")
        status |= bool(problems)
        if snip.run_mode in ("static", "none"):
            print(f"{snip.source}: not run (run={snip.run_mode}): {snip.header.why}")
        if static_only or snip.error or snip.run_mode in ("static", "none"):
            continue
        if runner is None:
            from hpcdocs.snippettests.shellcluster import ShellCluster

            runner = Runner(catalog, ShellCluster())
        outcome = runner.outcome(snip)
        print(f"{snip.source}: run {outcome.outcome} ({outcome.tier}, {outcome.duration}s)"
              + (f": {outcome.reason}" if outcome.reason else ""))  # fmt: skip
        if outcome.outcome == "failed":
            print(failure_report(snip, outcome))
            status |= 1
    return status


if __name__ == "__main__":
    sys.exit(main())
