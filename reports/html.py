"""HTML: each document as a page in the administrative layout, and a static site — an index with the
ranking and a link to every unit's scorecard and every document. Same inputs, same bytes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from reports.docx import cell_text
from reports.markup import TEMPLATES, environment
from reports.model import Document, Figure


def render_html(document: Document, path: Path, back: str | None = None, links: dict | None = None) -> Path:
    page = environment().get_template("document.html").render(
        page_title=document.title, frame=document.frame, blocks=document.body, cell=cell_text,
        back=back, links=links or {})
    Path(path).write_text(page, encoding="utf-8")
    return Path(path)


def _for_screen(summary: Document) -> tuple:
    """The index's blocks with the ranking's chart drawn for a screen (reports.svg: labels readable on a phone,
    an axis that tells 93% from 99%) instead of the printed page's picture."""
    from reports import svg

    table = summary.tables.get("xep_hang")
    blocks = list(summary.blocks)
    at = next((i for i, b in enumerate(blocks) if b.kind == "figure"), None)
    if table is None or at is None or table.columns[:6] != ("Hạng", "Mã", "Đơn vị", "Điểm", "Tối đa", "Tỷ lệ"):
        return tuple(blocks)
    picture, note = svg.ranking_ends([(r[0], r[2], r[5]) for r in table.rows], blocks[at].figure.title)
    ends = "Tỷ lệ điểm của 10 đơn vị đứng đầu và 10 đơn vị đứng cuối" if len(table.rows) > 30 else \
        "Tỷ lệ điểm của các đơn vị"
    blocks[at] = replace(blocks[at], figure=Figure(f"{ends}. {note}".strip(), lambda fmt: picture))
    return tuple(blocks)


@dataclass(frozen=True)
class SitePage:
    href: str
    title: str


def unit_page(document: Document, folder: Path, code: str) -> Path:
    """A unit's page of the site in ``folder`` (``don-vi/<code>.html``)."""
    (folder / "don-vi").mkdir(parents=True, exist_ok=True)
    return render_html(document, folder / "don-vi" / f"{code}.html", back="../index.html")


def write_site(folder: Path, heading: str, subheading: str, summary: Document, units: list[str],
               documents: list[tuple[str, Document]]) -> Path:
    """``index.html`` with the ranking (each unit linking to its page ``don-vi/<code>.html``, which
    ``unit_page`` writes), and ``van-ban/<name>.html`` per document."""
    (folder / "don-vi").mkdir(parents=True, exist_ok=True)
    (folder / "van-ban").mkdir(parents=True, exist_ok=True)
    links = {code: f"don-vi/{code}.html" for code in units}
    pages = []
    for name, doc in documents:
        render_html(doc, folder / "van-ban" / f"{name}.html", back="../index.html")
        pages.append(SitePage(f"van-ban/{name}.html", doc.title))
    index = environment().get_template("site_index.html").render(
        page_title=heading, heading=heading, subheading=subheading, blocks=_for_screen(summary), cell=cell_text,
        links=links, documents=pages)
    (folder / "index.html").write_text(index, encoding="utf-8")
    (folder / "site.js").write_bytes((TEMPLATES / "site.js").read_bytes())  # search and sort of the ranking
    return folder / "index.html"
