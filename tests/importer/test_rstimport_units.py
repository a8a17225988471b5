"""Small pieces of the importer: Markdown escaping, snippet headers, languages, ids."""

from __future__ import annotations

import pytest
from hpcdocs.rstimport import codefiles
from hpcdocs.rstimport import markdown as md
from hpcdocs.rstimport.site import primary_id

WHY = 'test: run=none why="imported from a.rst:3; untested until someone writes a test"'


@pytest.mark.parametrize(
    ("language", "first_line"),
    [
        ("bash", f"# {WHY}"),
        ("python", f"# {WHY}"),
        ("text", f"# {WHY}"),
        ("c", f"// {WHY}"),
        ("json", f"// {WHY}"),
        ("sql", f"-- {WHY}"),
        ("fortran", f"! {WHY}"),
        ("matlab", f"% {WHY}"),
        ("html", f"<!-- {WHY} -->"),
        ("css", f"/* {WHY} */"),
        ("unknown-language", f"# {WHY}"),
    ],
)
def test_header_in_the_languages_comment_syntax(language: str, first_line: str) -> None:
    text = codefiles.with_header("code\n", language, "a.rst", 3)
    assert text.splitlines() == [first_line, "code"]


def test_header_goes_after_a_shebang_and_quotes_are_escaped() -> None:
    text = codefiles.with_header("#!/bin/bash\necho hi", "bash", 'odd "name".rst', None)
    assert text.splitlines() == [
        "#!/bin/bash",
        '# test: run=none why="imported from odd \\"name\\".rst; untested until someone '
        'writes a test"',
        "echo hi",
    ]


@pytest.mark.parametrize(
    ("language", "code", "guessed"),
    [
        ("default", "x = compute(3)\n", "python"),
        ("default", "hostname\n", "text"),
        ("default", "conda install numpy\n", "text"),
        ("default", "squeue --me\n", "text"),
        ("default", "a - b\n", "text"),
        ("default", "print(1)\n", "python"),
        ("default", "$ squeue\nJOBID\n", "console"),
        ("default", ">>> 1 + 1\n2\n", "pycon"),
        ("python3", "anything", "python"),
        ("bash", "x = 1", "bash"),
    ],
)
def test_language_of_a_block(language: str, code: str, guessed: str) -> None:
    assert codefiles.language_for(language, code) == guessed


def test_step_names() -> None:
    assert codefiles.step_name("Start a shell", "Ignored", "") == "start-a-shell"
    assert codefiles.step_name("", "安装PyTorch", "") == "pytorch"
    assert codefiles.step_name("", "安装", "$ conda install numpy scipy") == "conda-install-numpy"
    assert codefiles.step_name("", "", "") == "code"


def test_code_span_is_exact() -> None:
    assert md.code_span("srun --pty bash -i") == "`srun --pty bash -i`"
    assert md.code_span("a `b` c") == "``a `b` c``"
    assert md.code_span("`x`") == "`` `x` ``"


def test_escape_keeps_words_readable() -> None:
    assert md.escape("snake_case and *stars* [x] a|b {{ y }}") == (
        "snake_case and \\*stars\\* \\[x\\] a\\|b \\{\\{ y \\}\\}"
    )
    assert md.escape_line_starts("# a\n- b\n1. c\n=====") == "\\# a\n\\- b\n1\\. c\n&#61;===="


def test_primary_id_prefers_explicit_labels() -> None:
    assert primary_id(["installing", "install-label"]) == "install-label"
    assert primary_id(["id3", "install-label"]) == "install-label"
    assert primary_id(["installing"]) == "installing"
    assert primary_id(["id3"]) == "id3"


def _guide(folder, language: str | None):
    folder.mkdir()
    conf = f"language = {language!r}\n" if language else ""
    (folder / "conf.py").write_text(conf, encoding="utf-8")
    (folder / "index.rst").write_text(
        "Guide\n=====\n\n.. versionadded:: 2.0\n\n   The new option.\n", encoding="utf-8"
    )
    return folder


def test_each_guide_gets_its_own_languages_labels(tmp_path) -> None:
    """Sphinx's catalogues are module-level state: a Chinese guide read first must not
    turn the next English guide's "Added in version" into Chinese, nor the other way."""
    from hpcdocs.rstimport import sphinxrun

    guides = [
        ("en", _guide(tmp_path / "en1", None), "Added in version 2.0"),
        ("zh", _guide(tmp_path / "zh", "zh_CN"), "在 2.0 版本加入"),
        ("en", _guide(tmp_path / "en2", "en"), "Added in version 2.0"),
        ("zh", tmp_path / "zh", "在 2.0 版本加入"),
    ]
    for language, folder, label in guides:
        project = sphinxrun.read_project(folder)
        text = project.doctrees[project.root].astext()
        assert label in text, (language, folder.name, text)
