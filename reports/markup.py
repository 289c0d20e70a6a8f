"""Document templates are jinja2 text in ``reports/templates/*.j2``, written in a small line language that
both the DOCX and the HTML renderer read, so an office can reword a document without touching code:

    = KẾ HOẠCH                 the title           == …   the line under the title
    # I. MỤC TIÊU              a heading           ## …   a sub-heading
    - text                     a bullet            @table name / @figure name: a table or figure of the context
    anything else              a paragraph (consecutive lines join; an empty line ends it)
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import jinja2

from base import vn
from reports.model import Block, Figure, Table

TEMPLATES = Path(__file__).with_name("templates")
PREFIXES = (("==", "subtitle"), ("=", "title"), ("##", "h2"), ("#", "h1"), ("- ", "bullet"))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html"]), keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(so=vn.number, phan_tram=vn.percent, ngay=vn.day, bang_chu=vn.in_words)
    return env


def render_blocks(template: str, context: dict, tables: dict[str, Table], figures: dict[str, Figure]) -> list[Block]:
    text = environment().get_template(template).render(**context)
    text = unicodedata.normalize("NFC", text)
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("@table "):
            flush()
            blocks.append(Block("table", table=tables[line[7:].strip()]))
            continue
        if line.startswith("@figure "):
            flush()
            blocks.append(Block("figure", figure=figures[line[8:].strip()]))
            continue
        for prefix, kind in PREFIXES:
            if line.startswith(prefix):
                flush()
                blocks.append(Block(kind, line[len(prefix):].strip()))
                break
        else:
            paragraph.append(line)
    flush()
    return blocks
