"""One term per concept: the glossary page and the check for variants on every page.

The terms live in scripts/hpcdocs/glossary.yml; scripts/hooks/glossary.py renders
them into docs/{zh,en}/glossary.md. A page (docs/<lang>/*.md, or a Markdown cell of
notebooks/<lang>/*.ipynb) that uses a rejected variant fails here with file:line,
the variant and the term to write instead.
"""

import html
import re

import pytest
from hpcdocs import ROOT, glossary

CONCEPTS = glossary.concepts()
PAGES = [(lang, p) for lang in glossary.LANGS for p in glossary.pages(lang)]


@pytest.mark.parametrize(
    ("lang", "path"), PAGES, ids=[p.relative_to(ROOT).as_posix() for _, p in PAGES]
)
def test_page_uses_the_glossary_terms(lang, path):
    hits = glossary.check(path, lang)
    assert not hits, (
        f"{len(hits)} variant(s) where scripts/hpcdocs/glossary.yml chose another term:\n"
        + "\n".join(str(h) for h in hits)
    )


def test_every_concept_has_both_languages():
    for c in CONCEPTS:
        for key in ("zh", "en", "slurm", "lsf"):
            assert str(c.get(key, "")).strip(), f"{c['id']}: no {key!r}"
        for lang in glossary.LANGS:
            assert c["note"][lang].strip(), f"{c['id']}: no note in {lang}"
            assert isinstance(c["also"][lang], list), f"{c['id']}: `also.{lang}` is not a list"
            assert isinstance(c["reject"][lang], list), f"{c['id']}: `reject.{lang}` is not a list"


def test_no_pattern_rejects_a_chosen_term():
    clashes = [
        f"{c['id']}: {lang} pattern {pattern!r} matches the term {other[lang]!r} of {other['id']!r}"
        for c in CONCEPTS
        for lang in glossary.LANGS
        for pattern, _ in glossary.rejects(c, lang)
        for other in CONCEPTS
        if re.search(pattern, other[lang])
    ]
    assert not clashes, "\n".join(clashes)


# Sentences from the pages before the terms were made one, and sentences that use the
# same characters rightly. The check must flag the first and leave the second alone.
BAD = {
    "zh": [
        ("有三样东西无法在测试机器上真实存在，我们用替身代替", "mock"),
        ("1. 编号 1 到 10 的 10 个任务；`%2` 表示同时最多运行 2 个。", "array-task"),
        ("`%A` 是整个数组的作业号，`%a` 是任务编号，每个任务写自己的输出文件。", "array-task"),
        ("用作业数组：每个任务从参数文件里取一行。", "array-task"),
        ("- `--array=0-4` 表示编号 0 到 4，共 5 个作业。", "array-task"),
        ("`states` 用 `sacct` 查询作业（数组作业的每个子任务各一行）的状态", "array-task"),
        ("`states` 用 `sacct` 查询作业（数组作业的每个子任务各一行）的状态", "job-array"),
        ("这个笔记本在 CPU 上训练一个很小的卷积网络", "notebook"),
        ("下面的单元会在 GPU 上做一次矩阵乘法", "cell"),
        ("每个作业都有时间上限：脚本里的 `--time`", "time-limit"),
        ("| `--time=D-HH:MM:SS` | 最长运行时间，到时间作业会被结束 |", "time-limit"),
        ("在批处理脚本里，`srun` 用来启动并行任务", "job-script"),
        ("conda 的软件源在测试机器上访问不到", "channel"),
        ("作业历史教程画的是各作业的等待时间", "pending"),
        ("新显卡和新 PyTorch 都不支持", "gpu"),
        ("scontrol hold 作业号 挂起作业", "hold"),
        ("`sbatch --hold` 提交一个先被扣住的作业，`scontrol release` 放行它。", "hold"),
        ("`sbatch --hold` 提交一个先被扣住的作业，`scontrol release` 放行它。", "release"),
        ("在登陆节点上编辑代码", "login-node"),
        ("    数组中的作业同时运行，如果它们往同一个文件里追加结果", "array-task"),
        ("- 输出文件名里的 `%A` 是整个数组的作业号，`%a` 是每个作业的编号", "array-task"),
        ("所以用这个内核的笔记本用的就是这个环境里的包。", "notebook"),
    ],
    "en": [
        ("a stand-in `conda` that implements only the subcommands", "mock"),
        ("1. Ten tasks numbered 1 to 10; `%2` lets at most two run at a time.", "array-task"),
        ("use a job array: each task takes one line of a parameter file.", "array-task"),
        ("`0-99%10` means 100 jobs with at most 10 running at once", "array-task"),
        ("Another job holds the meeting port.", "rendezvous"),
        ("| `-W [hours:]minutes` | the longest run time |", "time-limit"),
        ("which gives us waiting times.", "pending"),
        ("Three things cannot exist on the test machine. Stand-ins take their place", "mock"),
        ("Inside a batch script, `srun` starts parallel tasks", "job-script"),
        (
            "- In the output file name, `%A` is the array's job ID and `%a` the index, so each job writes",
            "array-task",
        ),
        ("    The jobs of an array run at the same time;", "array-task"),
    ],
}
GOOD = {
    "zh": [
        "1 个任务、1 个 CPU 核、1 GB 内存，最多运行 5 分钟。",
        "`--label` 在每行输出前加上任务编号：",
        "`--ntasks` 是进程（任务）的个数，用于 MPI 或 `srun` 启动多个副本。",
        "- 第一次使用超算、想把笔记本电脑上的 Python 程序搬到集群上的同学。",
        "命令结束后释放资源。",
        "每个单元格的输出都与文件里保存的输出比较；单元测试另算。",
        "`wait` 每隔一段时间查询一次，直到作业（或数组的 `tasks` 个子作业）都结束。",
        "在 LSF 里，Slurm 的“分区”叫作“队列”（queue）。",
        "排队中的作业可以暂时搁置（hold）、解除搁置（release）。",
        "用 `torchrun` 时每个节点只要一个 Slurm 任务。",
        "模拟一个没有读过模块初始化脚本的 shell；跑模拟。",
        "GPU 卡住不动时先看 `nvidia-smi`。",
    ],
    "en": [
        "one task with one CPU core and 1 GB of memory, for at most 5 minutes.",
        "`--label` puts the task number in front of each line of output:",
        "- `wait` asks again until the job (or the array's `tasks` array tasks) has ended.",
        "Ten array tasks numbered 1 to 10; `%2` lets at most two run at a time.",
        "the processes are spread over several machines and must be told where to meet.",
        "With `torchrun`, use one Slurm task per node.",
    ],
}


@pytest.mark.parametrize("lang", glossary.LANGS)
def test_the_check_flags_old_wording(lang):
    missed = []
    for sentence, concept in BAD[lang]:
        found = {h.concept for h in glossary.scan([(1, sentence)], lang, "<example>")}
        if concept not in found:
            missed.append(f"{sentence!r}: no {concept!r} variant found (found {sorted(found)})")
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("lang", glossary.LANGS)
def test_the_check_leaves_right_uses_alone(lang):
    hits = [h for s in GOOD[lang] for h in glossary.scan([(1, s)], lang, "<example>")]
    assert not hits, "\n".join(str(h) for h in hits)


def test_fenced_code_is_not_checked():
    text = "正文用替身。\n\n``` bash\necho 替身\n```\n"
    assert [h.line for h in glossary.scan(glossary.prose_lines(text), "zh", "<x>")] == [1]


@pytest.mark.parametrize("lang", glossary.LANGS)
def test_glossary_page_lists_every_concept(lang):
    source = ROOT / "docs" / lang / "glossary.md"
    page = glossary.render(source.read_text("utf-8"), lang, source=str(source))
    rows = [line for line in page.split("\n") if line.startswith("| ")]
    missing = []
    for c in CONCEPTS:
        row = next((r for r in rows if f'<span id="{c["id"]}"></span>' in r), None)
        if row is None:
            missing.append(f"{c['id']}: no row")
            continue
        for key in ("zh", "en"):
            if glossary._cell(c[key]) not in row:
                missing.append(f"{c['id']}: its {key} term {c[key]!r} is not in its row")
    assert not missing, f"docs/{lang}/glossary.md:\n" + "\n".join(missing)
    assert len(rows) == len(CONCEPTS) + 2, "a header, its rule and one row per concept"


def test_glossary_page_needs_its_marker():
    with pytest.raises(ValueError, match="glossary-table"):
        glossary.render("# 术语表\n\n没有表格。\n", "zh")


@pytest.mark.parametrize("lang", glossary.LANGS)
def test_built_glossary_lists_every_concept(built_site, lang):
    assert built_site["proc"].returncode == 0, built_site["proc"].stderr[-3000:]
    folder = built_site["dir"] if lang == "zh" else built_site["dir"] / lang
    text = (folder / "glossary" / "index.html").read_text("utf-8")
    table = text[text.index("<table>") : text.index("</table>")]
    plain = html.unescape(re.sub(r"<[^>]+>", "", table))
    missing = [
        f"{c['id']}: {key} {c[key]!r}"
        for c in CONCEPTS
        for key in ("zh", "en")
        if c[key] not in plain or f'id="{c["id"]}"' not in table
    ]
    assert not missing, f"{lang}/glossary/index.html lacks:\n" + "\n".join(missing)
