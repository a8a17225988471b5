"""The job-script generator page (docs/*/generator.md, docs/assets/jobgen.js).

Playwright fills in the form in Debian's chromium, as a reader would, and every
script the page shows is checked: lint-jobscript (0 errors, 0 warnings) for a
pairwise set of choices, a message next to its field for each choice the
cluster cannot satisfy, and the templates page's own scripts for the
templates' choices (line for line, comments apart). Submitting some of them to
the test cluster is tests/cluster/test_jobgen_submit.py.
"""

from __future__ import annotations

import gzip
import itertools
import re

import pytest
import test_browser
from hpcdocs import ROOT, facts, jobgen, sitebench
from hpcdocs.lint import lint
from hpcdocs.snippettests.header import HEADER_LINES as TEST_HEADER
from test_browser import SHOTS as SHOTS_DIR
from test_browser import Watched

# A watched page: test_browser.py's fixture (the browser and the served site: conftest.py).
watched = test_browser.watched

pytestmark = pytest.mark.browser

FACTS = facts.load()
FORM = jobgen.form_facts(FACTS)
PARTS = {p["key"]: p for p in FORM["partitions"]}
PAGE = {"zh": "/generator/", "en": "/en/generator/"}
# Selects first: the launch choices depend on the scheduler.
ORDER = [
    "scheduler",
    "partition",
    "gputype",
    "nodes",
    "tasks",
    "cpus",
    "gpus",
    "mem",
    "time",
    "name",
    "output",
    "array",
    "arraymax",
    "params",
    "email",
    "conda",
    "program",
    "launch",
]
SELECTS = {"scheduler", "partition", "gputype", "launch"}
DEFAULTS = {  # every field, so that no case depends on the one before it (shuffled order)
    "partition": "cpu",
    "nodes": "1",
    "tasks": "1",
    "cpus": "1",
    "gpus": "0",
    "mem": "2",
    "time": "01:00:00",
    "name": "job",
    "output": "",
    "array": "",
    "arraymax": "",
    "params": "params.txt",
    "email": "",
    "conda": "torch",
    "program": "python report.py",
    "launch": "none",
    "modules": ["conda"],
}


class Form:
    """The generator page of one language, filled in through its fields."""

    def __init__(self, watched: Watched, server: str, lang: str):
        self.page = watched.page
        self.page.goto(server + PAGE[lang], wait_until="networkidle")
        self.page.wait_for_selector("#jobgen[data-state]:not([data-state=loading])")

    def set(self, choices: dict) -> None:
        page = self.page
        values = {**DEFAULTS, **choices}
        for key in ORDER:
            if key not in values:
                continue
            if key == "gputype" and values.get("scheduler") == "lsf":
                continue  # disabled on LSF: the queue decides
            if key in SELECTS:
                page.select_option(f"#jg-{key}", values[key])
            else:
                page.fill(f"#jg-{key}", str(values[key]))
        for box in page.locator("input[name=jg-module]").all():
            box.set_checked(box.get_attribute("value") in values["modules"])

    def script(self) -> str | None:
        if self.page.locator("#jobgen").get_attribute("data-state") != "ok":
            return None
        return self.page.locator("#jg-script").text_content()

    def errors(self) -> dict:
        return self.page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('.jg-error[id]')]
                 .filter(e => e.textContent && e.id.endsWith('-error')).map(e => [e.id.slice(3, -6), e.textContent]))"""
        )


# ---- pairwise cases --------------------------------------------------------

AXES = {
    "scheduler": ["slurm", "lsf"],
    "lang": ["zh", "en"],
    "partition": ["cpu", "gpu", "debug"],
    "nodes": [1, 2],
    "tasks": [1, 2],
    "cpus": [1, 4],
    "gpus": [0, 1, 2],
    "launch": ["none", "srun", "torchrun", "blaunch"],
    "array": ["", "1-4"],
    "email": ["", "someone@example.edu"],
    "modules": ["conda", "conda+cuda"],
    "conda": ["torch", ""],
    "time": ["00:20:00", "04:00:00"],
    "mem": [2, 16],
}
LAUNCHES = {"slurm": {"none", "srun", "torchrun"}, "lsf": {"none", "torchrun", "blaunch"}}


def _seconds(text: str) -> int:
    days, _, hms = text.rpartition("-")
    h, m, s = (int(x) for x in hms.split(":"))
    return ((int(days or 0) * 24 + h) * 60 + m) * 60 + s


def valid(case: dict) -> bool:
    """Whether the cluster can run these choices (the page must then show a script)."""
    part = PARTS[case["partition"]]
    launch = case["launch"]
    if launch not in LAUNCHES[case["scheduler"]]:
        return False
    if launch == "none" and (case["nodes"] > 1 or case["tasks"] > 1):
        return False
    if launch == "blaunch" and case["nodes"] < 2:
        return False
    if case["scheduler"] == "lsf" and launch == "torchrun" and case["nodes"] > 1:
        return False
    if case["gpus"] > part["gpus_per_node"] or case["nodes"] > part["nodes"]:
        return False
    if case["tasks"] * case["cpus"] > part["cpus_per_node"]:
        return False
    if case["mem"] * 1024 > part["memory_mb_per_node"]:
        return False
    return _seconds(case["time"]) <= _seconds(part["max_time"])


def all_pairs(case: dict) -> set:
    return {((a, case[a]), (b, case[b])) for a, b in itertools.combinations(case, 2)}


def pairwise(axes: dict, keep, at_least: int) -> list[dict]:
    """A greedy all-pairs set: every pair of values that some valid case holds is in a case.

    Past full coverage and short of at_least, the pairs are covered once more.
    Each case's pairs are a bit mask, so the greedy search takes well under a second.
    """
    names = list(axes)
    pool = [dict(zip(names, v, strict=True)) for v in itertools.product(*axes.values())]
    pool = [c for c in pool if keep(c)]
    index: dict = {}
    held = []
    for case in pool:
        mask = 0
        for pair in all_pairs(case):
            mask |= 1 << index.setdefault(pair, len(index))
        held.append(mask)
    full = (1 << len(index)) - 1
    wanted, chosen = full, []
    while wanted or len(chosen) < at_least:
        if not wanted:  # covered: cover every pair once more, until there are enough
            wanted = full
        best = max(
            (i for i in range(len(pool)) if i not in chosen),
            key=lambda i: ((held[i] & wanted).bit_count(), -i),
        )
        chosen.append(best)
        wanted &= ~held[best]
    return [pool[i] for i in chosen]


CASES = pairwise(AXES, valid, at_least=60)


def choices_of(case: dict) -> dict:
    program = "python ddp_check.py" if case["launch"] in ("torchrun", "blaunch") else None
    out = {
        "scheduler": case["scheduler"],
        "partition": case["partition"],
        "nodes": case["nodes"],
        "tasks": case["tasks"],
        "cpus": case["cpus"],
        "gpus": case["gpus"],
        "launch": case["launch"],
        "array": case["array"],
        "arraymax": "2" if case["array"] else "",
        "email": case["email"],
        "modules": case["modules"].split("+"),
        "conda": case["conda"],
        "time": case["time"],
        "mem": case["mem"],
        "name": f"c{CASES.index(case):02d}" if case in CASES else "job",
    }
    if program:
        out["program"] = program
    return out


def case_id(case: dict) -> str:
    keys = ("scheduler", "lang", "partition", "nodes", "tasks", "cpus", "gpus", "launch")
    return "-".join(str(case[k]) for k in keys) + ("-array" if case["array"] else "")


def test_pairwise_set_is_systematic():
    pool = (dict(zip(AXES, v, strict=True)) for v in itertools.product(*AXES.values()))
    wanted = set().union(*(all_pairs(c) for c in pool if valid(c)))
    covered = set().union(*(all_pairs(c) for c in CASES))
    assert len(CASES) >= 60
    assert all(valid(c) for c in CASES)
    assert wanted <= covered, sorted(wanted - covered)[:5]
    assert {c["scheduler"] for c in CASES} == {"slurm", "lsf"}
    assert {c["lang"] for c in CASES} == {"zh", "en"}


def directives(script: str) -> list[str]:
    """#SBATCH / #BSUB options of a script, comments cut off."""
    return [
        re.sub(r"\s+#\s.*$", "", ln).split(None, 1)[1]
        for ln in script.splitlines()
        if ln.startswith(("#SBATCH ", "#BSUB "))
    ]


def asks_for(case: dict, script: str) -> None:
    """The script asks for what was chosen (a lint-clean script for other choices is no pass)."""
    part = PARTS[case["partition"]]
    opts = directives(script)
    if case["scheduler"] == "slurm":
        assert f"--partition={part['name']}" in opts
        assert f"--mem={case['mem']}G" in opts
        assert f"--time={case['time']}" in opts
        per_task = case["cpus"] * (case["tasks"] if case["launch"] == "torchrun" else 1)
        assert f"--cpus-per-task={per_task}" in opts
        if case["launch"] != "none":
            assert f"--nodes={case['nodes']}" in opts
        if case["launch"] == "srun":
            assert f"--ntasks-per-node={case['tasks']}" in opts
            assert 'srun --cpus-per-task="$SLURM_CPUS_PER_TASK"' in script
        gres = [o for o in opts if o.startswith("--gres=")]
        assert gres == (
            [f"--gres=gpu:{part['gpu_types'][0]}:{case['gpus']}"] if case["gpus"] else []
        )
        assert ("--array=1-4%2" in opts) == bool(case["array"])
        assert ("--mail-user=someone@example.edu" in opts) == bool(case["email"])
    else:
        slots = case["nodes"] * case["tasks"] * case["cpus"]
        assert f"-q {part['name']}" in opts
        assert f"-n {slots}" in opts
        # several slots: per host, said so (as the templates); one slot: MB (unit_for_limits)
        mem = f"{case['mem']}GB/host" if slots > 1 else case["mem"] * 1024
        assert f'-R "rusage[mem={mem}]"' in opts
        h, m, _ = case["time"].split(":")
        assert f"-W {int(h)}:{m}" in opts
        assert (f'-gpu "num={case["gpus"]}"' in opts) == bool(case["gpus"])
        if case["nodes"] > 1:
            assert f'-R "span[ptile={case["tasks"] * case["cpus"]}]"' in opts
            assert 'blaunch -z "${hosts[*]}" torchrun' in script
        assert any(o.startswith("-J ") and ("[1-4]%2" in o) == bool(case["array"]) for o in opts)
        assert ("-u someone@example.edu" in opts) == bool(case["email"])
    if "cuda" in case["modules"]:
        assert f"module load {FACTS['modules']['cuda']}" in script
    assert (f"conda activate {case['conda']}" in script) == bool(case["conda"])
    if case["conda"]:
        assert 'eval "$(conda shell.bash hook)"' in script


def lint_clean(script: str, name: str) -> list[str]:
    return [str(f) for f in lint(script, FACTS, name=name)]


@pytest.fixture(scope="module")
def forms(browser, server):
    """One page per language, reused by every case (each case sets every field)."""
    pages = {lang: Watched(browser, server) for lang in PAGE}
    yield {lang: Form(w, server, lang) for lang, w in pages.items()}
    for w in pages.values():
        assert not w.foreign(), w.foreign()
        assert not w.errors, w.errors
        w.close()


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_generated_script_is_lint_clean(forms, case):
    form = forms[case["lang"]]
    form.set(choices_of(case))
    script = form.script()
    assert script, f"no script; messages: {form.errors()}"
    assert not form.errors()
    asks_for(case, script)
    suffix = "lsf.sh" if case["scheduler"] == "lsf" else "slurm.sh"
    assert lint_clean(script, f"{case_id(case)}.{suffix}") == []
    if case["lang"] == "zh":  # comments in the page's language
        assert re.search(r"#\s.*[\u4e00-\u9fff]", script)
    else:
        assert not re.search(r"[\u4e00-\u9fff]", script)


# ---- choices the cluster cannot satisfy -------------------------------------

GPU, CPU, DEBUG = PARTS["gpu"], PARTS["cpu"], PARTS["debug"]
# (what is chosen, the field whose message it is, what that message must name)
IMPOSSIBLE = [
    ({"partition": "gpu", "gpus": GPU["gpus_per_node"] + 1}, "gpus", str(GPU["gpus_per_node"])),
    ({"partition": "cpu", "gpus": 1}, "gpus", CPU["name"]),
    ({"partition": "gpu", "time": "9-00:00:00"}, "time", GPU["max_time"]),
    ({"partition": "debug", "time": "01:00:00"}, "time", DEBUG["max_time"]),
    (
        {"partition": "cpu", "mem": CPU["memory_mb_per_node"] // 1024 + 1},
        "mem",
        str(CPU["memory_mb_per_node"] // 1024),
    ),
    ({"partition": "gpu", "nodes": GPU["nodes"] + 1, "launch": "srun"}, "nodes", str(GPU["nodes"])),
    (
        {"partition": "gpu", "tasks": 2, "cpus": GPU["cpus_per_node"], "launch": "srun"},
        "cpus",
        str(GPU["cpus_per_node"]),
    ),
    ({"time": "1:00"}, "time", "04:00:00"),
    ({"nodes": 0}, "nodes", "1"),
    ({"name": "my job"}, "name", "_"),
    ({"array": "10-1"}, "array", "1-10"),
    ({"email": "someone"}, "email", ""),
    ({"nodes": 2}, "launch", "srun"),
    (
        {"scheduler": "lsf", "nodes": 2, "launch": "torchrun", "program": "python x.py"},
        "launch",
        "blaunch",
    ),
    ({"scheduler": "lsf", "launch": "blaunch", "program": "python x.py"}, "launch", "torchrun"),
    ({"launch": "torchrun", "program": "./a.out"}, "launch", "python"),
]


@pytest.mark.parametrize("lang", list(PAGE))
@pytest.mark.parametrize(
    ("choice", "field", "names"),
    IMPOSSIBLE,
    ids=[f"{f}-{i}" for i, (_, f, _) in enumerate(IMPOSSIBLE)],
)
def test_impossible_choice_is_named_and_blocks_the_script(forms, lang, choice, field, names):
    form = forms[lang]
    form.set({"scheduler": "slurm", **choice})
    errors = form.errors()
    assert field in errors, errors
    message = errors[field]
    assert names in message
    assert set(errors) == {field}, errors  # no other field is blamed
    assert form.page.locator("#jg-blocked").text_content()
    assert form.script() is None
    page = form.page
    assert page.locator("#jg-script").text_content() == ""
    assert page.locator("#jg-copy").is_disabled() and page.locator("#jg-download").is_disabled()
    assert page.locator(f"#jg-{field}").get_attribute("aria-invalid") == "true"
    # The message sits next to its field, and is in the page's language.
    assert page.locator(f"#jg-{field}-error").is_visible()
    assert bool(re.search(r"[\u4e00-\u9fff]", message)) == (lang == "zh")
    form.set({"scheduler": "slurm", "partition": "cpu"})  # fixed: the script is back
    assert form.script(), form.errors()


# ---- the templates page and the generator agree -----------------------------

SERIAL = {"partition": "cpu", "time": "01:00:00", "mem": 2}
TEMPLATES = {
    "01-cpu-serial": {**SERIAL, "name": "serial"},
    "02-threads": {**SERIAL, "name": "threads", "cpus": 4, "mem": 8},
    "03-gpu": {
        "name": "one-gpu",
        "partition": "gpu",
        "gpus": 1,
        "cpus": 4,
        "mem": 32,
        "time": "04:00:00",
    },
    "04-multi-gpu": {
        "name": "multi-gpu",
        "partition": "gpu",
        "tasks": 2,
        "cpus": 4,
        "gpus": 2,
        "mem": 64,
        "time": "04:00:00",
        "launch": "torchrun",
        "program": "python ddp_check.py",
    },
    "05-multi-node": {
        "name": "multi-node",
        "partition": "gpu",
        "nodes": 2,
        "tasks": 2,
        "cpus": 4,
        "gpus": 2,
        "mem": 64,
        "time": "04:00:00",
        "launch": "srun",
        "program": "python ddp_check.py",
    },
    "06-array": {**SERIAL, "name": "sweep", "array": "1-10", "arraymax": 2},
}
# LSF's multi-node template: 2 cores per process (4 slots per host), started by blaunch.
LSF_CHANGES = {"05-multi-node": {"cpus": 2, "launch": "blaunch"}}


def without_comments(script: str) -> list[str]:
    """The lines of a script, comment lines and end-of-line comments left out."""
    out = []
    for line in script.splitlines():
        if line.lstrip().startswith("#") and not line.startswith(("#!", "#SBATCH", "#BSUB")):
            continue
        out.append(re.sub(r"\s+#\s.*$", "", line).rstrip())
    return out


def test_every_template_is_compared():
    shown = {p.name.split(".")[0] for p in (ROOT / "snippets" / "templates").glob("0*.sh")}
    assert shown == set(TEMPLATES)


@pytest.mark.parametrize("scheduler", ["slurm", "lsf"])
@pytest.mark.parametrize("template", list(TEMPLATES))
def test_generator_writes_the_template(forms, template, scheduler):
    source = ROOT / "snippets" / "templates" / f"{template}.{scheduler}.sh"
    text = TEST_HEADER.sub("", source.read_text("utf-8"))
    expected = without_comments(facts.render(text, str(source), FACTS, "en"))
    choices = {**TEMPLATES[template], "scheduler": scheduler}
    if scheduler == "lsf":
        choices.update(LSF_CHANGES.get(template, {}))
    form = forms["en" if scheduler == "slurm" else "zh"]
    form.set(choices)
    script = form.script()
    assert script, form.errors()
    assert without_comments(script) == expected


# ---- keyboard, phone, weight ---------------------------------------------------


def test_keyboard_alone_changes_the_script_and_copies_it(watched, server):
    form = Form(watched, server, "en")
    page = form.page
    page.focus("#jg-scheduler")
    page.keyboard.press("ArrowDown")  # Slurm -> LSF
    assert "#BSUB -q" in form.script()
    page.keyboard.press("Tab")  # to the partition
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # nodes
    page.keyboard.press("Tab")  # tasks
    page.keyboard.press("Tab")  # cores per task
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    script = form.script()
    assert "#BSUB -n 4" in script
    page.focus("#jg-program")
    while page.evaluate("document.activeElement.id") != "jg-copy":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => navigator.clipboard.readText()") == script


def test_phone_layout_is_one_column_without_sideways_scrolling(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server + PAGE["zh"], wait_until="networkidle")
    page.wait_for_selector("#jobgen[data-state=ok]")
    lefts = {round(page.locator(f"#jg-{k}").bounding_box()["x"]) for k in ("nodes", "tasks", "mem")}
    assert len(lefts) == 1, lefts  # one field under another
    wide = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS_DIR / "generator-phone.png"), full_page=True)
    context.close()
    assert wide <= 0


def jobgen_style() -> bytes:
    return (ROOT / "docs" / "assets" / "jobgen.css").read_bytes()


def test_generator_page_weight(browser, server, built_site):
    """The page's bytes and requests (hpcdocs.sitebench, as `make bench-site` prints them)."""
    row = sitebench.measure(browser, server, built_site["dir"], PAGE["zh"])
    sitebench.save([row])
    names = {f["path"].rsplit("/", 1)[-1] for f in row["files"]}
    own = sum(f["gzip"] for f in row["files"] if "jobgen" in f["path"].rsplit("/", 1)[-1])
    own += len(gzip.compress(jobgen_style(), 6))  # inline in the page
    print(
        f"generator page: {row['raw']} bytes, {row['gzip']} gzipped, {row['requests']} requests "
        f"(its own module, style and facts: {own} bytes gzipped)"
    )
    assert {"jobgen.js", "jobgen-facts.json"} <= names, names
    assert not row["foreign"], row["foreign"]
    # The generator adds at most 20 KB gzipped, and the page keeps the site's page budget.
    assert own <= 20_000
    assert not sitebench.over_budget(row), (sitebench.over_budget(row), row["files"])
