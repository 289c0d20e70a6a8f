"""Writing documents out: DOCX, HTML, XLSX, or PDF through LibreOffice where it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from office.errors import Refused

FORMATS = ("docx", "html", "xlsx", "pdf")


def to_pdf(docx: Path) -> Path:
    """PDF through LibreOffice (apt-get install libreoffice-writer-nogui)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise Refused("cần LibreOffice để xuất PDF (apt-get install libreoffice-writer-nogui); "
                      "hãy chọn định dạng docx, html hoặc xlsx", field="--format")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                   check=True, capture_output=True, timeout=300)
    return docx.with_suffix(".pdf")


def write(document, out: Path, name: str, fmt: str) -> Path:
    """``document`` as ``out/name.fmt``; returns the path written. Made aside and moved into place, so that a
    document on disk is always whole: a process killed while writing leaves the previous one or none."""
    if fmt not in FORMATS:
        raise Refused(f"không có định dạng «{fmt}»; chọn một trong {', '.join(FORMATS)}", field="--format")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".dang-ghi-") as tmp:
        made = _render(document, Path(tmp), name, fmt)
        for part in sorted(Path(tmp).iterdir()):  # a PDF comes with the DOCX it was made from
            os.replace(part, out / part.name)
    return out / made.name


def _render(document, out: Path, name: str, fmt: str) -> Path:
    from reports.docx import render_docx
    from reports.html import render_html
    from reports.xlsx import render_xlsx

    if fmt == "html":
        return render_html(document, out / f"{name}.html")
    if fmt == "xlsx":
        return render_xlsx(document, out / f"{name}.xlsx")
    path = render_docx(document, out / f"{name}.docx")
    return to_pdf(path) if fmt == "pdf" else path


def write_if_changed(document, folder: Path, name: str, fmt: str) -> Path | None:
    """Write a document only if it differs from the one already there (the same data give the same bytes);
    the path when written."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = write(document, Path(tmp), name, fmt)
        target = folder / fresh.name
        if target.exists() and target.read_bytes() == fresh.read_bytes():
            return None
        folder.mkdir(parents=True, exist_ok=True)
        shutil.move(str(fresh), target)
        return target


def write_table(frame, path: Path, title: str = "", subtitle: str = "") -> Path:
    """A table (Vietnamese headers already) as an XLSX workbook to read and print: ``title`` above it (periods
    said in words), dates as dd/mm/yyyy, numbers rounded as shown, header frozen, filtered and repeated on
    every A4 landscape page."""
    from reports.documents import signed_text
    from reports.xlsx import frame_table, save_workbook, table_workbook

    title = signed_text(title or path.stem.replace("-", " ").capitalize())
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(table_workbook(frame_table(frame, title), signed_text(subtitle)), path)
    return path
