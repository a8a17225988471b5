"""Both languages move together: pairs, heading ids, includes, outdated marks."""

import pytest
from hpcdocs import ROOT, i18n

PAIRS = i18n.pairs()


def _text(lang, name):
    return (i18n.DOCS / lang / name).read_text("utf-8")


@pytest.mark.parametrize("name", PAIRS)
def test_page_exists_in_both_languages(name):
    for lang in i18n.LANGS:
        path = i18n.DOCS / lang / name
        assert path.exists(), (
            f"docs/{lang}/{name} is missing: translate docs/"
            f"{i18n.LANGS[1 - i18n.LANGS.index(lang)]}/{name}, or add docs/{lang}/{name} with "
            "front matter `translation: missing` (the page then shows a notice)"
        )


def _translated(name):
    return all(i18n.translation_state(i18n.DOCS / lang / name) != "missing" for lang in i18n.LANGS)


@pytest.mark.parametrize("name", PAIRS)
def test_every_heading_has_an_explicit_id(name):
    missing = [
        f"docs/{lang}/{name}:{h.line}: heading without an id ({{ #some-id }}): {h.text}"
        for lang in i18n.LANGS
        if (i18n.DOCS / lang / name).exists()
        for h in i18n.headings(_text(lang, name))
        if h.id is None
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name", PAIRS)
def test_twins_have_the_same_heading_ids(name):
    if not _translated(name) or not all((i18n.DOCS / lg / name).exists() for lg in i18n.LANGS):
        pytest.skip("not translated yet (the page says so)")
    ids = {lang: [(h.level, h.id) for h in i18n.headings(_text(lang, name))] for lang in i18n.LANGS}
    assert ids[i18n.SOURCE] == ids[i18n.TARGET], (
        f"docs/zh/{name} and docs/en/{name} differ in headings (level, id):\n"
        f"zh: {ids['zh']}\nen: {ids['en']}"
    )


@pytest.mark.parametrize("name", PAIRS)
def test_twins_include_the_same_snippets(name):
    if not _translated(name) or not all((i18n.DOCS / lg / name).exists() for lg in i18n.LANGS):
        pytest.skip("not translated yet (the page says so)")
    inc = {lang: i18n.includes(_text(lang, name)) for lang in i18n.LANGS}
    assert inc["zh"] == inc["en"], f"docs/zh/{name} and docs/en/{name} include different snippets"


def test_a_page_older_than_its_twin_says_so():
    unmarked = [
        f"{older} is older than {newer}: update it, or set `translation: outdated` in its front matter"
        for older, newer, _ in i18n.outdated()
        if i18n.translation_state(ROOT / older) != "outdated"
    ]
    assert not unmarked, "\n".join(unmarked)


def test_a_page_marked_outdated_is_really_older():
    lagging = {older for older, _, _ in i18n.outdated()}
    stale_marks = [
        f"docs/{lang}/{name} says `translation: outdated` but is not older than its twin: remove the mark"
        for name in PAIRS
        for lang in i18n.LANGS
        if i18n.translation_state(i18n.DOCS / lang / name) == "outdated"
        and f"docs/{lang}/{name}" not in lagging
    ]
    assert not stale_marks, "\n".join(stale_marks)
