"""MkDocs hook: tell readers what each page's code was run on.

`make test` writes build/tested.json (scripts/hpcdocs/tested.py). For every
page that includes snippets, this hook appends a note saying on what and when
those snippets were run, and how many passed, from that file: never typed by
hand. Without the file (a build before any test run) the note says so.
"""

from __future__ import annotations

from hpcdocs import tested

TEXT = {
    "zh": {
        "title": "本页代码的测试情况",
        "none": "本页的代码尚未在这次构建中运行测试（运行 `make test` 后重新构建即可显示结果）。",
        "ran": "本页 {total} 段代码于 {date} 在 {where} 上运行：{counts}。",
        "passed": "{n} 段通过",
        "skipped": "{n} 段跳过（{reasons}）",
        "failed": "{n} 段失败",
        "untested": "{n} 段未运行",
        "unavailable": "{n} 段未运行（{unavailable}）",
    },
    "en": {
        "title": "How this page's code was tested",
        "none": "This page's code has not been run for this build (run `make test`, then build again).",
        "ran": "The {total} code blocks of this page were run on {when_where}: {counts}.",
        "passed": "{n} passed",
        "skipped": "{n} skipped ({reasons})",
        "failed": "{n} failed",
        "untested": "{n} not run",
        "unavailable": "{n} not run ({unavailable})",
    },
}


def on_page_markdown(markdown, page, config, **kwargs):
    lang = page.file.src_uri.split("/", 1)[0]
    words = TEXT.get(lang, TEXT["en"])
    used = tested.snippets_in(markdown)
    if not used:
        return markdown
    report = tested.load()
    if report is None:
        body = words["none"]
    else:
        counts = tested.count(report, used)
        parts = [
            words[k].format(
                n=counts[k],
                reasons="; ".join(sorted(counts["reasons"])),
                unavailable="; ".join(sorted(counts["unavailable_reasons"])),
            )
            for k in ("passed", "skipped", "failed", "untested", "unavailable")
            if counts[k]
        ]
        where = tested.describe(report, lang)
        body = words["ran"].format(
            total=len(used),
            date=report["date"],
            where=where,
            when_where=f"{where} on {report['date']}",
            counts="，".join(parts) if lang == "zh" else ", ".join(parts),
        )
    page.meta["tested_on"] = body  # for the "report a problem" link (report_problem.py)
    return f'{markdown}\n\n!!! info "{words["title"]}"\n\n    {body}\n'
