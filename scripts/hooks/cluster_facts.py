"""MkDocs hook: the facts are checked before anything is built, pages keep
only the blocks that hold for this cluster, and the facts reference page is
generated from the schema.

- on_config: cluster.yml (or HPCDOCS_FACTS) against hpcdocs.facts_schema;
  every problem at once, as ``FILE:LINE: KEY: what is wrong``, stops the build;
  so does a site job script that the facts make wrong (hpcdocs.lint.site_script_errors:
  more GPUs on one node than the GPU partition's nodes have, a partition it lacks).
- on_page_markdown: blocks between ``<!-- if cluster.KEY -->`` (or ``if not``)
  and ``<!-- end if -->`` are kept only where the fact is true
  (hpcdocs.facts.conditional); where the facts say ``scheduler: lsf``, the LSF
  tab of every Slurm/LSF tab set comes first (hpcdocs.tabs); a page's
  ``<!-- facts-reference -->`` line becomes the
  tables of hpcdocs.factsdoc.reference() in the page's language, and its
  ``<!-- facts-example -->`` line what the check prints for a broken copy.
"""

from __future__ import annotations

from pathlib import Path

from hpcdocs import ROOT, facts, factsdoc, tabs
from mkdocs.exceptions import PluginError

_scripts_checked: set[str] = set()


def check_job_scripts() -> None:
    """Every job script of the site, with these facts, has no lint error: facts that
    cannot run the pages' scripts (GPU nodes with fewer GPUs than the templates ask
    for on one node, a partition a script names that the facts lack) stop the build,
    each problem at its script's line, all at once. Once per facts file and process
    (MkDocs runs on_config again for each language)."""
    key = str(facts.FACTS_FILE.resolve())
    if key in _scripts_checked:
        return
    from hpcdocs.lint import site_script_errors

    errors = site_script_errors(facts.load())
    if errors:
        lines = "\n".join(f"  {e}" for e in errors)
        if any(e.code in ("slurm-gpu", "lsf-gpu") for e in errors):
            lines += "\n" + "\n".join(f"  {fact}" for fact in gpu_facts())
        raise PluginError(
            f"{facts.FACTS_FILE}: the site's job scripts do not hold on this cluster "
            f"({len(errors)} problems; change the facts, or the scripts):\n{lines}"
        )
    _scripts_checked.add(key)


def gpu_facts() -> list[str]:
    """``FILE:LINE: partitions.ROLE.gpus_per_node: N`` for each partition with GPUs."""
    text = facts.FACTS_FILE.read_text(encoding="utf-8")
    where = facts.key_lines(text)
    found = []
    for role, part in facts.load()["partitions"].items():
        if part.get("gpus_per_node"):
            key = ("partitions", role, "gpus_per_node")
            found.append(
                f"{facts.FACTS_FILE}:{where.get(key, '?')}: {'.'.join(key)}: "
                f"{part['gpus_per_node']} (the GPUs one node of {part['name']!r} has)"
            )
    return found


def on_config(config, **kwargs):
    try:
        facts.load()
    except (facts.FactsError, OSError) as exc:
        raise PluginError(str(exc)) from None
    check_job_scripts()
    # mkdocs-jupyter's cache: each build evicts the entries it did not use, so a build for
    # another facts file (a profile, clusters/NAME.yml) keeps its own beside the default's:
    # builds that run at once (tests/site/test_profiles.py) then never remove each other's.
    # A config of its own (the tests' small projects, mkdocs build -f) keeps its cache beside
    # it: built with this one's, it evicted all of this site's notebooks. Set on every
    # language's build (MkDocs runs on_config again for each): notebooks.py adds the
    # language's folder.
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        default = facts.FACTS_FILE.resolve() == (ROOT / "cluster.yml").resolve()
        name = "mkdocs-jupyter" if default else f"mkdocs-jupyter-{facts.FACTS_FILE.stem}"
        home = Path(config.config_file_path).parent if config.config_file_path else ROOT
        jupyter.config["cache_dir"] = str(home / ".cache" / name)
    return config


def on_page_markdown(markdown, page, config, **kwargs):
    try:
        markdown = facts.conditional(markdown, source=f"docs/{page.file.src_uri}")
    except facts.FactsError as exc:
        raise PluginError(str(exc)) from None
    markdown = tabs.scheduler_first(markdown, facts.load()["scheduler"])
    if factsdoc.MARKER not in markdown:
        return markdown
    lang = page.file.src_uri.split("/", 1)[0]
    markdown = markdown.replace(factsdoc.EXAMPLE_MARKER, factsdoc.example())
    return markdown.replace(factsdoc.MARKER, factsdoc.reference(lang))
