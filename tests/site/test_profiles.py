"""Cluster profiles (clusters/*.yml): each builds, and no page hard-codes a fact.

The site is built once per profile (cluster.yml and every clusters/*.yml, into
temporary directories, in parallel). Then, in the pages built for one profile,
no distinctive value of another profile may appear: a partition, node, host,
module, GPU type, path or account that shows up where its cluster is not the
one described was written into a page or snippet instead of taken from the
facts. ALLOWED lists the few values that are legitimately literal, each with
the pages where and the reason why.
"""

from __future__ import annotations

import html
import ipaddress
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hpcdocs import ROOT, facts, i18n, printpdf, tabs
from hpcdocs.testcluster import plan as plan_mod

PROFILES = {"default": ROOT / "cluster.yml"} | {
    p.stem: p for p in sorted((ROOT / "clusters").glob("*.yml"))
}

# Values that are ordinary words of the pages' prose and commands ("the debug
# partition", "make test", "a compute node", "short for"): searching for them
# says nothing. Option values (--partition=..., -q ...) are checked for these
# by test_option_values_name_the_profiles_own_partitions_and_accounts.
COMMON_WORDS = {"cpu", "gpu", "debug", "test", "compute", "short", "normal", "hpc", "cloud"}

# value -> (pages where it may appear, "*" for all; why it is literal there)
ALLOWED = {
    "22.05": (
        "*",
        "the Slurm version of the test cluster that ran the snippets, in every page's "
        "tested-on stamp and on about-testing (Debian 12's package), and Slurm releases named "
        "for what they do (srun on 22.05 and 23.02): never the centre's version",
    ),
    "23.11": (
        {"slurm", "on-cluster"},
        "Slurm releases named for what they changed (srun reads SLURM_CPUS_PER_TASK again "
        "from 23.11), and the Slurm version inside on-cluster.md's sample stamp",
    ),
    "12.6": (
        {"conda", "pytorch", "containers", "tensorflow", "troubleshooting", "env-tools"},
        "the CUDA of the PyTorch build the pages install (+cu126) and of the container image "
        "tag: a property of those builds, whatever the centre's driver",
    ),
    "12.8": ({"conda", "pytorch"}, "PyTorch's own list of CUDA builds (2.13 has no 12.8 build)"),
    "cn01": (
        {"facts", "notebooks"},
        "facts.md: the schema's example of node_prefix (cn01, cn02, ...); notebooks: outputs "
        "stored by `make notebooks` on the default cluster's test cluster (a centre reruns it "
        "with its profile to store its own)",
    ),
    "cn02": ({"facts"}, "facts.md: the schema's example of node_prefix (cn01, cn02, ...)"),
    "gn01": ({"notebooks"}, "notebook outputs stored by `make notebooks` (as cn01)"),
    "NVIDIA A100 (MOCK)": ({"notebooks"}, "notebook outputs stored by `make notebooks` (as cn01)"),
    "a100": ({"facts"}, "facts.md: the schema's example of gpu_type (e.g. a100)"),
    "titan": ({"adopt"}, "adopt.md names the profile's file, clusters/titan.yml"),
    "/home/alice": (
        {"getting-started"},
        "ssh-keygen on the reader's own computer, whose home is not the cluster's",
    ),
}


def distinctive(data: dict) -> dict[str, str]:
    """The values of one profile's facts that a page might hard-code, with their keys."""
    found: dict[str, str] = {}

    def add(key: str, value) -> None:
        if isinstance(value, str) and value and value not in COMMON_WORDS:
            found.setdefault(value, key)

    add("name", data["name"])
    add("login_host", data["login_host"])
    for lang, text in data["display_name"].items():
        add(f"display_name.{lang}", text)
    add("default_account", data["default_account"])
    for role, account in data.get("accounts", {}).items():
        add(f"accounts.{role}.name", account["name"])
    for role, qos in data.get("qos", {}).items():
        add(f"qos.{role}", qos if isinstance(qos, str) else qos["name"])
    for role, part in data["partitions"].items():
        add(f"partitions.{role}.name", part["name"])
        if part.get("node_prefix"):
            for i in (1, 2):
                add(f"partitions.{role}.node_prefix", f"{part['node_prefix']}{i:02d}")
        if part.get("gpu_type"):
            add(f"partitions.{role}.gpu_type", part["gpu_type"])
            add(f"partitions.{role}.gpu_type", f"NVIDIA {part['gpu_type'].upper()} (MOCK)")
    for role, module in data["modules"].items():
        add(f"modules.{role}", module)
    add("conda.root", data["conda"]["root"])
    add("python.pip_mirror", data["python"]["pip_mirror"])
    for role, area in data["storage"].items():
        add(f"storage.{role}.path", facts.USER_VAR.sub(facts.EXAMPLE_USER, area["path"]))
        add(f"storage.{role}.quota_command", area["quota_command"])
    add("cuda_version", data["cuda_version"])
    add("nvidia_driver", data["nvidia_driver"])
    add("slurm_version", data.get("slurm_version"))
    add("site.issues_url", data["site"]["issues_url"])
    return found


def build(name: str, facts_file: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, HPCDOCS_FACTS=str(facts_file), NO_MKDOCS_2_WARNING="1")
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict:
    """Every profile's site, built strictly in parallel: {name: (dir, log, returncode)}."""
    base = tmp_path_factory.mktemp("profiles")
    start = time.monotonic()
    procs = {n: (base / n, build(n, f, base / n)) for n, f in PROFILES.items()}
    built = {}
    for name, (out, proc) in procs.items():
        log, _ = proc.communicate(timeout=900)
        built[name] = (out, log, proc.returncode)
    print(f"{len(built)} profiles built in {time.monotonic() - start:.1f} s (in parallel)")
    return built


TAG = re.compile(r"<[^>]+>")


def page_texts(site: Path):
    """(page, text) of every built page (tags removed) and downloadable template."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site)
        if path.name == printpdf.PRINT_NAME:
            continue  # the PDF's print page: every page again, each checked on its own above
        if path.suffix == ".html":
            yield rel, html.unescape(TAG.sub("", path.read_text("utf-8")))
        elif "downloads" in rel.parts:
            yield rel, path.read_text("utf-8", errors="replace")


def page_name(rel: Path) -> str:
    """`en/slurm/index.html` -> slurm; `notebooks/01-environment/index.html` -> notebooks."""
    parts = [p for p in rel.parts if p not in i18n.LANGS]
    return parts[0].removesuffix(".html") if parts else ""


def test_every_allowed_value_is_a_profiles_fact():
    """An entry of ALLOWED that no profile has any more is stale: remove it."""
    values = set()
    for facts_file in PROFILES.values():
        values |= set(distinctive(facts.load(facts_file)))
    assert set(ALLOWED) <= values, set(ALLOWED) - values


def test_profiles_are_there_and_valid():
    assert {"lsf-first", "titan"} <= set(PROFILES), "clusters/lsf-first.yml, clusters/titan.yml"
    for facts_file in PROFILES.values():
        facts.load(facts_file)  # FactsError (FILE:LINE: key: what is wrong) otherwise


def test_profiles_differ_where_centres_differ():
    default, lsf, titan = (facts.load(PROFILES[n]) for n in ("default", "lsf-first", "titan"))
    assert lsf["scheduler"] == "lsf" and lsf["two_factor"] is False
    assert "slurm_version" not in lsf  # no Slurm at an LSF centre
    assert titan["scheduler"] == "slurm" and "lsf" not in titan
    gpu_types = {p["gpu_type"] for p in titan["partitions"].values() if p.get("gpu_type")}
    assert len(gpu_types) == 2, "titan: two GPU types, on different partitions"
    for other in (lsf, titan):
        assert other["modules"] != default["modules"]
        assert (other["cuda_version"], other["nvidia_driver"]) != (
            default["cuda_version"],
            default["nvidia_driver"],
        )
        assert {p["name"] for p in other["partitions"].values()}.isdisjoint(
            {default["partitions"]["gpu"]["name"], default["partitions"]["cpu"]["name"]}
        )
        assert other["storage"]["work"]["path"] != default["storage"]["work"]["path"]
        assert other["storage"]["home"]["quota"] != default["storage"]["home"]["quota"]


def test_each_profile_has_its_own_test_cluster():
    """Own state directory and subnet, never the default cluster's 127.0.77.0/24."""
    plans = {n: plan_mod.make_plan(facts_file=f) for n, f in PROFILES.items() if n != "default"}
    subnets = {n: ipaddress.ip_network(f"{p.ctl_addr}/24", strict=False) for n, p in plans.items()}
    default_net = ipaddress.ip_network(facts.load(PROFILES["default"])["testcluster"]["subnet"])
    assert str(default_net) == "127.0.77.0/24"
    assert not any(net.overlaps(default_net) for net in subnets.values()), subnets
    assert len(set(subnets.values())) == len(subnets), subnets
    for name, p in plans.items():
        assert p.state == (ROOT / ".cache" / f"testcluster-{name}").resolve()
    raw = yaml.safe_load(PROFILES["titan"].read_text())
    assert "testcluster" not in raw  # so the derived subnet is what it runs on
    assert plans["titan"].ctl_addr == plan_mod.profile_subnet(PROFILES["titan"]).replace(
        ".0/24", ".1"
    )


def test_a_profile_without_a_subnet_gets_one_of_its_own(tmp_path):
    data = yaml.safe_load(PROFILES["default"].read_text())
    del data["testcluster"]
    path = tmp_path / "mycentre.yml"
    path.write_text(yaml.safe_dump(data))
    plan = plan_mod.make_plan(facts_file=path)
    net = plan_mod.profile_subnet(path)
    assert net != "127.0.77.0/24" and 100 <= int(net.split(".")[2]) <= 199
    assert plan.ctl_addr == net.replace(".0/24", ".1")
    assert plan.state == (ROOT / ".cache" / "testcluster-mycentre").resolve()
    # cluster.yml itself keeps its state and subnet
    assert plan_mod.make_plan(facts_file=PROFILES["default"]).ctl_addr == "127.0.77.1"


TABS = """\
Before.

=== "Slurm"

    ``` bash
    --8<-- "a.slurm.sh"
    ```

    1. Slurm note.

=== "LSF"

    ``` bash
    --8<-- "a.lsf.sh"
    ```

After.

=== "Python"

    x

=== "R"

    y
"""


def test_scheduler_first_moves_lsf_tabs_with_their_notes():
    out = tabs.scheduler_first(TABS, "lsf")
    assert out.index('=== "LSF"') < out.index('=== "Slurm"') < out.index("After.")
    lsf = out[out.index('=== "LSF"') : out.index('=== "Slurm"')]
    assert "a.lsf.sh" in lsf and "Slurm note" not in lsf
    slurm = out[out.index('=== "Slurm"') : out.index("After.")]
    assert "a.slurm.sh" in slurm and "Slurm note" in slurm
    assert out.index('=== "Python"') < out.index('=== "R"')  # other tab sets keep their order
    assert sorted(out.splitlines()) == sorted(TABS.splitlines())  # nothing lost or added
    assert tabs.scheduler_first(TABS, "slurm") == TABS


FIRST_TAB = re.compile(r'<div class="tabbed-labels"><label for="[^"]+">([^<]+)</label>')


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PROFILES))
def test_every_profile_builds_strictly(sites, name):
    out, log, code = sites[name]
    assert code == 0, log[-3000:]
    warnings = [ln for ln in log.splitlines() if "WARNING" in ln]
    assert not warnings, "\n".join(warnings)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PROFILES))
def test_the_centres_scheduler_has_the_first_tab_on_every_page(sites, name):
    out, _, code = sites[name]
    assert code == 0
    first = tabs.LABELS[facts.load(PROFILES[name])["scheduler"]]
    pages = 0
    for page in out.rglob("*.html"):
        text = page.read_text("utf-8")
        sets = [m for m in re.finditer(r'<div class="tabbed-labels">(.*?)</div>', text, re.S)]
        for tab_set in sets:
            labels = re.findall(r"<label[^>]*>([^<]+)</label>", tab_set.group(1))
            if {"Slurm", "LSF"} <= set(labels):
                assert labels[0] == first, f"{page.relative_to(out)}: tabs {labels}"
                pages += 1
    assert pages >= 10, "no Slurm/LSF tab sets found: has the tab markup changed?"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PROFILES))
def test_no_page_hard_codes_another_profiles_facts(sites, name):
    out, _, code = sites[name]
    assert code == 0
    own = distinctive(facts.load(PROFILES[name]))
    wanted: dict[str, str] = {}
    for other, facts_file in PROFILES.items():
        if other != name:
            for value, key in distinctive(facts.load(facts_file)).items():
                if value not in own:
                    wanted.setdefault(value, f"{other}'s {key}")
    patterns = {
        v: re.compile(r"(?<![A-Za-z0-9_])" + re.escape(v) + r"(?![A-Za-z0-9_])") for v in wanted
    }
    found = []
    for rel, text in page_texts(out):
        for value, pattern in patterns.items():
            allowed_pages = ALLOWED.get(value, (set(), ""))[0]
            if allowed_pages == "*" or page_name(rel) in allowed_pages:
                continue
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 50) : match.end() + 30].replace("\n", " ")
                found.append(f"{rel}: {value!r} ({wanted[value]}): ...{around}...")
    assert not found, (
        f"pages built for {name} name other profiles' facts; use {{{{ cluster.KEY }}}} "
        f"(or allow the value in ALLOWED with the reason):\n" + "\n".join(found[:40])
    )


OPTION = re.compile(
    r"(?:--partition=|--qos=|--account=|(?:#BSUB|\bbsub\b[^\n]*?)\s-q\s+|--gres=gpu:)"
    r"(?P<value>[A-Za-z0-9_.-]+)"
)
# Option values that are not the centre's: a partition that must not exist
# (troubleshooting's "invalid partition" example) and placeholders.
NOT_FACTS = {"nosuch", "...", "...."}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PROFILES))
def test_option_values_name_the_profiles_own_partitions_and_accounts(sites, name):
    """--partition=, bsub -q, --qos=, --account=, --gres=gpu:TYPE: only this profile's names."""
    out, _, code = sites[name]
    assert code == 0
    data = facts.load(PROFILES[name])
    own = {p["name"] for p in data["partitions"].values()}
    own |= {p["gpu_type"] for p in data["partitions"].values() if p.get("gpu_type")}
    own |= {q if isinstance(q, str) else q["name"] for q in data["qos"].values()}
    own |= {data["default_account"], data["ci"]["account"]}
    own |= {a["name"] for a in data.get("accounts", {}).values()}
    bad = []
    for rel, text in page_texts(out):
        for match in OPTION.finditer(text):
            value = match["value"]
            if value in own or value in NOT_FACTS or value.isdigit() or value.isupper():
                continue
            bad.append(f"{rel}: {match.group(0)!r}")
    assert not bad, f"pages built for {name} use names its facts do not have:\n" + "\n".join(
        sorted(set(bad))[:40]
    )


def test_the_test_workflow_runs_every_profile():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text())
    job = flow["jobs"]["make-test"]
    files = {p["file"] for p in job["strategy"]["matrix"]["profile"]}
    assert files == {str(f.relative_to(ROOT)) for f in PROFILES.values()}
    assert job["strategy"]["fail-fast"] is False  # one profile's failure hides no other's
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert 'make test CLUSTER="${{ matrix.profile.file }}"' in runs
