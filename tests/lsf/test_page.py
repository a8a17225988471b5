"""The LSF page says what the LSF layer and the centre's facts say: memory and pending reasons."""

import re

import pytest
from hpcdocs import ROOT, facts, facts_schema
from hpcdocs.lsf import bjobs

LAYER_WORDS = {"zh": ("兼容层", "近似"), "en": ("compatibility layer", "approximation")}


def section(lang: str, anchor: str) -> str:
    text = (ROOT / "docs" / lang / "lsf.md").read_text("utf-8")
    match = re.search(rf"^## .*\{{ #{anchor} \}}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/{lang}/lsf.md has no section {{ #{anchor} }}"
    return match.group(1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_memory_section_explains_rusage_and_the_limit_with_the_centres_settings(lang):
    text = section(lang, "memory")
    assert "rusage[mem=" in text and "-M " in text
    for parameter in ("LSF_UNIT_FOR_LIMITS", "RESOURCE_RESERVE_PER_TASK", "LSB_JOB_MEMLIMIT"):
        assert parameter in text, f"{lang}: {parameter} not explained"
    # every centre-specific memory setting comes from cluster.yml, none is typed in
    for key in facts_schema.Lsf.model_fields:
        assert f"{{{{ cluster.lsf.{key} }}}}" in text, f"{lang}: cluster.lsf.{key} not shown"
    assert '--8<-- "lsf/10-memory.lsf.sh"' in text
    assert "LSB_RESOURCE_ENFORCE" in text and "-hl" in text  # the cgroup case differs
    assert all(word in text for word in LAYER_WORDS[lang]), "the layer's conversion is not named"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pending_section_shows_bjobs_p_and_names_the_layers_approximation(lang):
    text = section(lang, "pending")
    assert '--8<-- "lsf/09-pending.sh"' in text
    assert "bjobs -p" in text and "bjobs -l" in text
    # the reasons the page lists are LSF's words, which the layer prints too
    for reason in ("New job is waiting for scheduling", "Job dependency condition not satisfied"):
        assert reason in text and reason in bjobs.PENDING_REASONS.values()
    assert all(word in text for word in LAYER_WORDS[lang])


def test_the_facts_file_records_how_the_centres_lsf_counts_memory():
    assert set(facts.load()["lsf"]) == set(facts_schema.Lsf.model_fields)
    assert facts.problems() == []


def test_bjobs_help_names_its_pending_reasons_an_approximation():
    assert "-p" in bjobs.HELP and "approximation" in bjobs.HELP
