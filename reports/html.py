"""HTML: each document as a page in the administrative layout, and a static site — an index with the
ranking and a link to every unit's scorecard and every document. Same inputs, same bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.docx import cell_text
from reports.markup import environment
from reports.model import Document


def render_html(document: Document, path: Path, back: str | None = None, links: dict | None = None) -> Path:
    page = environment().get_template("document.html").render(
        page_title=document.title, frame=document.frame, blocks=document.blocks, cell=cell_text,
        back=back, links=links or {})
    Path(path).write_text(page, encoding="utf-8")
    return Path(path)


@dataclass(frozen=True)
class SitePage:
    href: str
    title: str


def write_site(folder: Path, heading: str, subheading: str, summary: Document, units: dict[str, Document],
               documents: list[tuple[str, Document]]) -> Path:
    """``index.html`` with the ranking (each unit linking to its page), ``don-vi/<code>.html`` per unit,
    and ``van-ban/<name>.html`` per document."""
    (folder / "don-vi").mkdir(parents=True, exist_ok=True)
    (folder / "van-ban").mkdir(parents=True, exist_ok=True)
    links = {code: f"don-vi/{code}.html" for code in units}
    for code, doc in units.items():
        render_html(doc, folder / "don-vi" / f"{code}.html", back="../index.html")
    pages = []
    for name, doc in documents:
        render_html(doc, folder / "van-ban" / f"{name}.html", back="../index.html")
        pages.append(SitePage(f"van-ban/{name}.html", doc.title))
    index = environment().get_template("site_index.html").render(
        page_title=heading, heading=heading, subheading=subheading, blocks=summary.blocks, cell=cell_text,
        links=links, documents=pages)
    (folder / "index.html").write_text(index, encoding="utf-8")
    return folder / "index.html"
