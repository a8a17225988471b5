"""Every snippet under snippets/ as tests; the test id is the snippet path.

- test_static[PATH]: the static tier, for every snippet (bash -n, shellcheck,
  ruff, the job-script checker, conda's grammar), on the rendered snippet;
- test_run[PATH]: runs it as its header says (snippets/README.md), on the login
  side or the test cluster; marked `cluster` (and `gpu` for gpu snippets,
  `gpujob` for the others that ask the scheduler for GPUs), so
  `-m "not cluster"` leaves only the static tier and `make test-gpu` picks the
  GPU ones.

A snippet with a broken header fails its own tests with file:line and what is
wrong; the others are collected and run as usual.
"""

from __future__ import annotations

import pytest
from hpcdocs import facts
from hpcdocs.snippettests import Catalog, static
from hpcdocs.snippettests.runner import report

RUNS = ("bash", "console", "python", "sbatch", "bsub")
CATALOG = Catalog.load()  # at collection: paths, tiers and markers


def _param(snip, part):
    marks = []
    if part == "run":
        marks.append(pytest.mark.cluster)
        if snip.tier == "gpu":
            marks.append(pytest.mark.gpu)
        elif snip.asks_gpus:  # mock GPUs here, real ones with --cluster=existing
            marks.append(pytest.mark.gpujob)
    return pytest.param(snip.path, id=snip.path, marks=marks)


STATIC = [_param(s, "static") for s in CATALOG.snippets]
RUN = [_param(s, "run") for s in CATALOG.snippets if s.error is None and s.run_mode in RUNS]


def _tag(request, snip, part):
    request.node.user_properties += [("snippet", snip.path), ("part", part), ("tier", snip.tier)]


@pytest.mark.parametrize("path", STATIC)
def test_static(path, catalog, request):
    snip = catalog[path]
    _tag(request, snip, "static")
    try:
        problems = static.check(snip)
    except facts.FactsError as exc:
        problems = [str(exc)]
    if problems:
        request.node.user_properties.append(("reason", problems[0]))
        pages = ", ".join(snip.pages) or "no page"
        pytest.fail(
            f"{snip.source} (included by {pages}): static checks failed\n" + "\n".join(problems),
            pytrace=False,
        )


@pytest.mark.parametrize("path", RUN)
def test_run(path, catalog, runner, request):
    snip = catalog[path]
    _tag(request, snip, "run")
    outcome = runner.outcome(snip)
    request.node.user_properties += [("reason", outcome.reason), ("duration", outcome.duration)]
    if outcome.outcome == "skipped":
        pytest.skip(outcome.reason)
    if outcome.outcome != "passed":
        pytest.fail(report(snip, outcome), pytrace=False)
