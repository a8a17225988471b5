"""MkDocs hook: a "report a problem" link at the end of every page.

A plain link (no script, nothing fetched) to a new issue on the guide's
repository, `site.issues_url` in cluster.yml, with the title and body filled
in: the page's address and source file, and its test stamp, the same words as
the page's "How this page's code was tested" note (scripts/hooks/tested_on.py
leaves them in page.meta). Checked by tests/site/test_report_problem.py.
"""

from __future__ import annotations

import html
from urllib.parse import quote, urlencode

from hpcdocs import facts

CLASS = "hpc-report-problem"
TEXT = {
    "zh": {
        "link": "报告本页的问题",
        "sep": "：",
        "hint": "发现错误、命令跑不通或看不懂？",
        "title": "页面问题：{title}",
        "page": "页面",
        "source": "源文件",
        "stamp": "本页代码的测试情况",
        "no_stamp": "本页没有经过测试的代码段。",
        "ask": "哪里有问题？（你做了什么、看到了什么、期望看到什么；在哪个集群上）",
    },
    "en": {
        "link": "Report a problem with this page",
        "sep": ": ",
        "hint": "Found a mistake, a command that fails, or something unclear?",
        "title": "Page problem: {title}",
        "page": "Page",
        "source": "Source",
        "stamp": "How this page's code was tested",
        "no_stamp": "This page has no tested code blocks.",
        "ask": "What is wrong? (what you did, what you saw, what you expected; on which cluster)",
    },
}


def issues_url() -> str:
    """site.issues_url from the facts (checked by hpcdocs.facts_schema)."""
    return facts.get("site.issues_url").rstrip("/")


def new_issue_url(base: str, lang: str, title: str, address: str, source: str, stamp) -> str:
    words = TEXT.get(lang, TEXT["en"])
    body = "\n".join(
        [
            f"{words['page']}{words['sep']}{address}",
            f"{words['source']}{words['sep']}{source}",
            f"{words['stamp']}{words['sep']}{stamp or words['no_stamp']}",
            "",
            words["ask"],
            "",
        ]
    )
    query = urlencode({"title": words["title"].format(title=title), "body": body}, quote_via=quote)
    return f"{base}/new?{query}"


def on_page_content(content, page, config, files, **kwargs):
    lang = page.file.src_uri.split("/", 1)[0]
    words = TEXT.get(lang, TEXT["en"])
    address = (config.site_url or "/") + page.url
    href = new_issue_url(
        issues_url(),
        lang,
        page.title or page.url,
        address,
        f"docs/{page.file.src_uri}",
        page.meta.get("tested_on"),
    )
    return (
        f'{content}\n<p class="{CLASS}">{html.escape(words["hint"])} '
        f'<a href="{html.escape(href, quote=True)}">{html.escape(words["link"])}</a></p>\n'
    )
