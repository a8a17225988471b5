"""Every {{ cluster.KEY }} in pages and snippets names a fact cluster.yml has."""

import pytest
from hpcdocs import ROOT, facts

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
