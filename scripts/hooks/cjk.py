"""MkDocs hook: no stray spaces between Chinese sentences.

Pages keep one sentence per line (clean diffs). In HTML a line break inside a
paragraph shows as a space, which is right between English sentences and
wrong between Chinese ones. This joins the lines where the characters on both
sides are CJK (ideographs or full-width punctuation), outside <pre> blocks.
"""

import re

CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
BREAK = re.compile(rf"({CJK})[ \t]*\n[ \t]*({CJK})")
PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)


def join_cjk_lines(html: str) -> str:
    parts = PRE.split(html)
    # Even indexes are outside <pre>; odd ones are the blocks themselves.
    return "".join(BREAK.sub(r"\1\2", p) if i % 2 == 0 else p for i, p in enumerate(parts))


def on_page_content(html, page, config, files, **kwargs):
    return join_cjk_lines(html)
