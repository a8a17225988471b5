"""Every {{ cluster.KEY }} in pages and snippets names a fact cluster.yml has."""

import copy
import importlib.util
import re
from html import unescape

import pytest
from hpcdocs import ROOT, facts, tested
from hpcdocs.snippets import Catalog

FILES = sorted(
    p
    for folder in ("docs", "snippets", "notebooks")
    for p in (ROOT / folder).rglob("*")
    if p.is_file()
    and p.name != "README.md"  # snippets/README.md shows the syntax itself
    and p.suffix in {".md", ".sh", ".py", ".console", ".yml", ".yaml", ".txt", ".ipynb"}
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_placeholders_name_known_facts(path):
    text = path.read_text("utf-8")
    for lang in ("zh", "en"):
        facts.render(text, source=path.relative_to(ROOT).as_posix(), lang=lang)


def test_a_wrong_key_is_reported_with_file_and_line():
    with pytest.raises(
        facts.FactsError,
        match=r"^page\.md:3: cluster\.partitions\.nope\.name is not in cluster\.yml",
    ):
        facts.render("a\nb\nc {{ cluster.partitions.nope.name }}", source="page.md")


def test_facts_file_describes_the_partitions_pages_use():
    parts = facts.partitions()
    assert any(p.get("default") for p in parts.values()), "cluster.yml: no default partition"
    for role, part in parts.items():
        assert "name" in part, f"cluster.yml: partitions.{role} has no name"
        assert "nodes" in part or "shares_nodes_with" in part, (
            f"cluster.yml: partitions.{role} needs `nodes` or `shares_nodes_with`"
        )


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
    assert facts.render(text, lang="zh") == "是/否"
    assert facts.render(text, lang="en") == "yes/no"
    assert facts.render(text) == "true/false"  # snippets: as a shell would test it


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
