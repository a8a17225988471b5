"""Every {{ cluster.KEY }} in pages and snippets names a fact cluster.yml has."""

import copy
import importlib.util
import os
import re
import subprocess
from html import unescape

import pytest
import yaml
from hpcdocs import ROOT, command, facts, tested
from hpcdocs.snippettests import Catalog

FILES = sorted(
    p
    for folder in ("docs", "snippets", "notebooks")
    for p in (ROOT / folder).rglob("*")
    if p.is_file()
    and p.name != "README.md"  # snippets/README.md shows the syntax itself
    and p.suffix in {".md", ".sh", ".py", ".console", ".yml", ".yaml", ".txt", ".ipynb"}
)
# The checker's own tests edit a known file, cluster.yml, whatever profile the run
# uses (HPCDOCS_FACTS, make test CLUSTER=...): they expect its values.
DEFAULT_FACTS = ROOT / "cluster.yml"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_placeholders_name_known_facts(path):
    source = path.relative_to(ROOT).as_posix()
    text = path.read_text("utf-8")
    if path.suffix == ".md":  # what the page keeps for this cluster (<!-- if cluster.KEY -->)
        text = facts.conditional(text, source=source)
    for lang in ("zh", "en"):
        facts.render(text, source=source, lang=lang)


def test_a_wrong_key_is_reported_with_file_and_line():
    with pytest.raises(
        facts.FactsError,
        match=rf"^page\.md:3: cluster\.partitions\.nope\.name is not in {facts.FACTS_FILE.name}",
    ):
        facts.render("a\nb\nc {{ cluster.partitions.nope.name }}", source="page.md")


# -- typed sections: storage and lsf -------------------------------------------------------


def test_typed_sections_of_the_facts_file_are_complete_and_well_typed():
    assert facts.problems() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["home"].pop("quota_command"), r"storage\.home\.quota_command: missing"),
        (lambda s: s["work"].update(backed_up="no"), r"storage\.work\.backed_up: must be bool"),
        (lambda s: s["work"].update(quota_comand="x"), r"storage\.work\.quota_comand: unknown key"),
        (lambda s: s["home"].update(quota_command="quota | tail"), r"without `\|`"),
        (lambda s: s["scratch"].update(purge_days=True), r"purge_days: must be int"),
    ],
)
def test_storage_problems_are_named(change, message):
    data = copy.deepcopy(facts.load())
    change(data["storage"])
    assert any(re.search(message, p) for p in facts.problems(data)), facts.problems(data)


def test_lsf_section_problems_are_named():
    data = copy.deepcopy(facts.load())
    data["lsf"] = {"unit_for_limits": "MiB", "reserve_per_task": "y"}
    found = "\n".join(facts.problems(data))
    assert "lsf.unit_for_limits: 'MiB' is not one of" in found
    assert "lsf.reserve_per_task: must be bool" in found
    assert "lsf.job_memlimit: missing" in found


def test_true_and_false_facts_read_as_words_on_pages():
    text = "{{ cluster.storage.home.backed_up }}/{{ cluster.storage.work.backed_up }}"
    known = facts.load(DEFAULT_FACTS)  # home backed up, work not
    assert facts.render(text, lang="zh", facts=known) == "是/否"
    assert facts.render(text, lang="en", facts=known) == "yes/no"
    assert facts.render(text, facts=known) == "true/false"  # snippets: as a shell would test it


def storage_table(html: str) -> list[list[str]]:
    """The rows of the first table after the #storage heading, cells as plain text."""
    start = html.index('id="storage"')
    table = html[html.index("<table>", start) : html.index("</table>", start)]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


@pytest.mark.parametrize(
    ("lang", "page", "backed", "command", "words"),
    [
        ("zh", "getting-started/index.html", "有备份吗", "查看用量和配额", ("是", "否")),
        (
            "en",
            "en/getting-started/index.html",
            "Backed up",
            "Check usage and quota",
            ("yes", "no"),
        ),
    ],
)
def test_storage_table_shows_backup_and_quota_command_of_every_area(
    built_site, lang, page, backed, command, words
):
    assert built_site["proc"].returncode == 0, built_site["proc"].stderr[-3000:]
    header, *rows = storage_table((built_site["dir"] / page).read_text("utf-8"))
    assert backed in header and command in header, header
    by_variable = {row[0]: row for row in rows}
    for name, area in facts.load()["storage"].items():
        row = by_variable.get(f"${area['env']}")
        assert row, f"{page}: no row for storage.{name} (${area['env']})"
        assert row[header.index("配额" if lang == "zh" else "Quota")] == area["quota"]
        assert row[header.index(backed)] == words[0 if area["backed_up"] else 1], (name, row)
        assert row[header.index(command)] == area["quota_command"].strip(), (name, row)


# -- the home page's claims about testing --------------------------------------------------

HOME_WORDS = {
    "zh": {
        "static": "静态检查",
        "no_gpu": "没有真实的 GPU",
        "skipped": "跳过",
        "layer": "兼容层",
        "all_run": r"每一段[^。\n]*都[^。\n]*运行过",
    },
    "en": {
        "static": "static checks",
        "no_gpu": "no real GPUs",
        "skipped": "skipped",
        "layer": "compatibility layer",
        "all_run": r"(?i)every (command|piece of code|code block)[^.\n]*(has been|is|was) (run|tested)",
    },
}


def home_testing_section(lang: str) -> str:
    text = (ROOT / "docs" / lang / "index.md").read_text("utf-8")
    match = re.search(r"^## .*\{ #how-it-is-tested \}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/{lang}/index.md has no {{ #how-it-is-tested }} section"
    return match.group(1)


def load_tested_on_hook():
    spec = importlib.util.spec_from_file_location("tested_on", ROOT / "scripts/hooks/tested_on.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_page_claims_about_testing_match_the_snippets(lang):
    words = HOME_WORDS[lang]
    text = home_testing_section(lang)
    catalog = Catalog.load()
    used = [s for s in catalog.snippets if s.pages]
    if any(s.tier in ("static", "none") for s in used):
        assert not re.search(words["all_run"], text), f"{lang}: claims every snippet was run"
        assert words["static"] in text, f"{lang}: does not say some code is only checked statically"
    report = tested.load() or {}
    if any(s.tier == "gpu" for s in used) and report.get("gpus", "mocked") == "mocked":
        assert words["no_gpu"] in text and words["skipped"] in text, (
            f"{lang}: GPU-only code is skipped on mocked GPUs, the home page must say so"
        )
    if any("lsf" in s.path for s in used):
        assert words["layer"] in text
    assert "(about-testing.md)" in text or "(about-testing.md#" in text
    # the per-page note the home page points to is the one the tested_on hook writes
    assert load_tested_on_hook().TEXT[lang]["title"] in text


# -- the schema: every problem at once, with file and line ---------------------------------


def facts_text(change) -> str:
    data = yaml.safe_load(DEFAULT_FACTS.read_text("utf-8"))
    change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_every_problem_is_reported_at_once_with_file_line_and_key(tmp_path):
    text = (
        DEFAULT_FACTS.read_text("utf-8")
        .replace("two_factor: true", "two_factor: yes please")
        .replace('max_time: "2-00:00:00"', 'max_time: "2 days"')
        .replace("shares_nodes_with: cpu ", "shares_nodes_with: cpu-nodes ")
        .replace("quota: 1 TB", "quota: 1 TB\n    quota_comand: lfs quota")
    )
    path = tmp_path / "mine.yml"
    path.write_text(text)
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if needle in line)

    with pytest.raises(facts.FactsError) as err:
        facts.load(path)
    message = str(err.value).splitlines()
    assert message[0] == f"{path}: 4 problems:"
    assert message[1:] == [
        f"{path}:{line_of('yes please')}: two_factor: must be bool, not str ('yes please')",
        f"{path}:{line_of('2 days')}: partitions.gpu.max_time: '2 days' is not a Slurm time "
        "(M, M:S, H:M:S, D-H, D-H:M, D-H:M:S or UNLIMITED)",
        f"{path}:{line_of('cpu-nodes')}: partitions.debug.shares_nodes_with: 'cpu-nodes' is "
        "not a partition with nodes of its own (cpu, gpu)",
        f"{path}:{line_of('quota_comand')}: storage.work.quota_comand: unknown key "
        "(known: env, path, quota, backed_up, quota_command, purge_days)",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["partitions"]["cpu"].pop("default"), r"^partitions: exactly one .*found 0"),
        (
            lambda d: d["partitions"]["gpu"].update(default=True),
            r"^partitions: exactly one .*found 2: cpu, gpu",
        ),
        (
            lambda d: d["partitions"]["gpu"].pop("gpu_type"),
            r"^partitions.gpu: gpus_per_node without",
        ),
        (
            lambda d: d["partitions"]["debug"].update(nodes=1),
            r"^partitions.debug: nodes and shares_nodes_with together",
        ),
        (
            lambda d: d["partitions"]["debug"].update(default_time="01:00:00"),
            r"^partitions.debug: default_time 01:00:00 is longer than max_time 00:30:00",
        ),
        (lambda d: d["partitions"]["debug"].update(name="cpu"), r"two partitions are called 'cpu'"),
        (
            lambda d: d["partitions"]["gpu"].update(nodes=0),
            r"^partitions.gpu.nodes: must be at least 1, not 0$",
        ),
        (lambda d: d.update(scheduler="pbs"), r"^scheduler: 'pbs': must be 'slurm' or 'lsf'"),
        (lambda d: d["testcluster"].update(subnet="10.0.0.0/24"), r"not a loopback subnet"),
        (lambda d: d["modules"].pop("conda"), r"^modules: needs a `conda` entry"),
        (lambda d: d["display_name"].pop("en"), r"^display_name.en: missing"),
        (lambda d: d["conda"].update(envs="torch"), r"^conda.envs: must be a list"),
        (lambda d: d.update(cuda_version=12.8), r"^cuda_version: must be str, not float"),
        (lambda d: d.update(gpu_types={}), r"^gpu_types: unknown key \(known: name, "),
    ],
)
def test_schema_problems_are_named(change, message):
    data = yaml.safe_load(facts_text(change))
    found = facts.problems(data)
    assert any(re.search(message, p) for p in found), found


def test_defaults_come_from_the_schema(tmp_path):
    def minimal(d):
        for key in ("testcluster", "scheduler", "two_factor", "default_account"):
            d.pop(key)
        d["partitions"]["debug"].pop("default_time")
        d["conda"].pop("envs")

    path = tmp_path / "cluster.yml"
    path.write_text(facts_text(minimal))
    loaded = facts.load(path)
    assert loaded["testcluster"] == {"max_nodes_per_partition": 2, "subnet": "127.0.77.0/24"}
    assert (loaded["scheduler"], loaded["two_factor"], loaded["default_account"]) == (
        "slurm",
        False,
        "users",
    )
    assert loaded["partitions"]["debug"]["default_time"] == "00:30:00"  # Slurm: MaxTime
    assert loaded["partitions"]["cpu"]["gpus_per_node"] == 0
    assert loaded["conda"]["envs"] == ["torch", "tf", "sci"]
    assert "purge_days" not in loaded["storage"]["home"]  # no default: left out


def test_a_bad_facts_file_stops_the_build_with_what_the_page_shows(tmp_path, mkdocs_build):
    """The facts page's example is the real build's output for the same broken file."""
    from hpcdocs import factsdoc

    path = tmp_path / "cluster.yml"
    path.write_text(factsdoc.broken_text())
    proc = mkdocs_build("-d", str(tmp_path / "site"), timeout=300, HPCDOCS_FACTS=str(path))
    assert proc.returncode != 0 and not (tmp_path / "site").exists()
    shown = factsdoc.example().splitlines()[1:-1]  # the lines inside the code block
    printed = (proc.stdout + proc.stderr).replace(f"{path}", "cluster.yml")
    for line in shown:
        assert line in printed, (line, printed[-3000:])


def test_gpu_nodes_with_fewer_gpus_than_the_scripts_ask_stop_the_build(tmp_path, mkdocs_build):
    """One GPU per node, where the templates ask for 2 on one node: every script that
    asks is named at its line, with the fact's own line, and nothing is built."""
    path = tmp_path / "cluster.yml"
    path.write_text(facts_text(lambda d: d["partitions"]["gpu"].update(gpus_per_node=1)))
    proc = mkdocs_build("-d", str(tmp_path / "site"), timeout=300, HPCDOCS_FACTS=str(path))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and not (tmp_path / "site").exists(), out[-3000:]
    gpu = facts.load(DEFAULT_FACTS)["partitions"]["gpu"]["name"]
    for script, line in (
        ("snippets/templates/04-multi-gpu.slurm.sh", 7),
        ("snippets/pytorch/07-ddp-srun.sh", 11),
    ):
        text = (ROOT / script).read_text(encoding="utf-8").splitlines()[line - 1]
        assert re.search(r"--gres=gpu:.*:2 |--gres=gpu:2$", text), text  # 2 on one node
        assert (
            f"{script}:{line}: error: 2 GPUs per node requested; partition {gpu} has 1 per node"
        ) in out, out[-3000:]
    assert "snippets/templates/04-multi-gpu.lsf.sh:6: error: -gpu num=2" in out, out[-3000:]
    assert re.search(rf"{re.escape(str(path))}:\d+: partitions\.gpu\.gpus_per_node: 1 ", out)


def test_a_bad_facts_file_starts_no_test_cluster(tmp_path):
    path = tmp_path / "cluster.yml"
    path.write_text(facts_text(lambda d: d["partitions"]["gpu"].update(max_time="2 days")))
    state = tmp_path / "state"
    proc = subprocess.run(
        [command("testcluster"), "up"],
        env=dict(os.environ, HPCDOCS_FACTS=str(path), TESTCLUSTER_DIR=str(state)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert re.search(r"cluster\.yml:\d+: partitions\.gpu\.max_time: '2 days' is not", proc.stderr)
    assert not state.exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_facts_reference_lists_every_key_of_the_schema(built_site, lang):
    from hpcdocs import facts_schema, factsdoc

    assert built_site["proc"].returncode == 0, built_site["proc"].stderr[-3000:]
    page = built_site["dir"] / ("facts/index.html" if lang == "zh" else "en/facts/index.html")
    html = page.read_text("utf-8")
    assert factsdoc.MARKER not in html and factsdoc.EXAMPLE_MARKER not in html
    for path, model, _ in factsdoc.sections():
        anchor = "facts-" + re.sub(r"[^a-z0-9]+", "-", (path or "top").lower()).strip("-")
        start = html.index(f'id="{anchor}"')
        table = html[start : html.index("</table>", start)]
        for name in model.model_fields:
            assert f"<code>{name}</code>" in table, (lang, path, name)
    # a key pages show links to the page; a key a tool reads names the tool
    assert 'href="../getting-started/"' in html or 'href="../getting-started/index.html"' in html
    assert factsdoc.TOOLS[lang]["testcluster"] in html
    assert len(facts_schema.Facts.model_fields) >= 17


# -- blocks that depend on a fact -----------------------------------------------------------


def test_conditional_blocks_follow_the_facts():
    text = "a\n<!-- if cluster.two_factor -->\nb\n<!-- end if -->\n<!-- if not cluster.two_factor -->\nc\n<!-- end if -->\nd"
    data = copy.deepcopy(facts.load())
    data["two_factor"] = True
    assert facts.conditional(text, facts=data) == "a\nb\nd"
    data["two_factor"] = False
    assert facts.conditional(text, facts=data) == "a\nc\nd"
    data["open_ondemand"] = ""
    assert (
        facts.conditional("<!-- if cluster.open_ondemand -->\nx\n<!-- end if -->", facts=data) == ""
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a\n<!-- if cluster.two_factor -->\nb",
            r"^p\.md:2: <!-- if \.\.\. --> without <!-- end if -->",
        ),
        ("a\n<!-- end if -->", r"^p\.md:2: <!-- end if --> without"),
        (
            "<!-- if cluster.two_factor -->\n<!-- if cluster.open_ondemand -->",
            r"^p\.md:2: <!-- if --> inside the block opened on line 1",
        ),
        (
            "<!-- if cluster.two_factr -->\n<!-- end if -->",
            r"^p\.md:1: cluster\.two_factr is not a key",
        ),
        (
            "<!-- if cluster.partitions.gpu.gpus -->\n<!-- end if -->",
            r"^p\.md:1: cluster\.partitions\.gpu\.gpus is not a key",
        ),
    ],
)
def test_conditional_blocks_refuse_mistakes_with_file_and_line(text, message):
    with pytest.raises(facts.FactsError, match=message):
        facts.conditional(text, source="p.md")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_jupyter_page_names_the_portal_only_where_there_is_one(lang):
    text = (ROOT / "docs" / lang / "jupyter.md").read_text("utf-8")
    data = copy.deepcopy(facts.load())
    data["open_ondemand"] = "https://ondemand.hpc.example.edu"
    with_portal = facts.render(facts.conditional(text, facts=data), facts=data, lang=lang)
    data["open_ondemand"] = ""
    without = facts.render(facts.conditional(text, facts=data), facts=data, lang=lang)
    assert "<https://ondemand.hpc.example.edu>" in with_portal
    assert "ondemand.hpc.example.edu" not in without and "Open OnDemand" in without
    assert ("没有这样的门户" if lang == "zh" else "has none") in without
    assert ("没有这样的门户" if lang == "zh" else "has none") not in with_portal


def test_every_key_of_the_schema_has_its_meaning_in_both_languages():
    import copy

    from hpcdocs import factsdoc

    found = factsdoc.texts()
    assert factsdoc.text_problems(found) == []
    broken = copy.deepcopy(found)
    del broken["Partition"]["nodes"]
    broken["Conda"]["channel"].pop("zh")
    broken["Qos"]["max_jobs"] = {"en": "x", "zh": "x"}
    assert factsdoc.text_problems(broken) == [
        "Conda.channel: needs both en and zh",
        "Partition.nodes: no text",
        "Qos.max_jobs: not a key of the schema",
    ]
