"""``cchc report …``: the documents and the static site, in DOCX, HTML, XLSX or PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.options import day

KINDS = {
    "cong-bo-diem": "thông báo kết quả đánh giá, xếp hạng (bảng xếp hạng, chỉ số thành phần, biểu đồ)",
    "phieu-diem": "phiếu điểm của một đơn vị, giải thích từng điểm (--unit)",
    "ke-hoach-khac-phuc": "kế hoạch khắc phục các tiêu chí bị mất điểm của một đơn vị (--unit)",
    "bao-cao": "báo cáo CCHC định kỳ của một kỳ (--period), của tỉnh hoặc một đơn vị (--unit)",
    "trang-web": "trang web tĩnh: xếp hạng, phiếu điểm từng đơn vị, các văn bản",
    "ke-hoach": "kế hoạch CCHC năm sau của một sở (--unit): mục tiêu từng chỉ số, khắc phục, nhiệm vụ",
    "ke-hoach-kiem-tra": "kế hoạch kiểm tra CCHC năm sau: trên 30% đơn vị, kết quả thấp trước",
    "ket-luan-kiem-tra": "kết luận kiểm tra CCHC tại một đơn vị trong năm (--unit), từ kết quả kiểm tra đã nhập",
}
FORMATS = ("docx", "html", "xlsx", "pdf")


def to_pdf(docx: Path) -> Path:
    """PDF through LibreOffice, where it is installed (apt-get install libreoffice-writer-nogui)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise typer.BadParameter("cần LibreOffice để xuất PDF (apt-get install libreoffice-writer-nogui); "
                                 "hãy chọn --format docx, html hoặc xlsx", param_hint="--format")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                   check=True, capture_output=True, timeout=300)
    return docx.with_suffix(".pdf")


def write(document, out: Path, name: str, fmt: str) -> Path:
    from reports.docx import render_docx
    from reports.html import render_html
    from reports.xlsx import render_xlsx

    out.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        return render_html(document, out / f"{name}.html")
    if fmt == "xlsx":
        return render_xlsx(document, out / f"{name}.xlsx")
    path = render_docx(document, out / f"{name}.docx")
    return to_pdf(path) if fmt == "pdf" else path


def write_site(engine, scored, out: Path, issued: date, deadline: date) -> Path:
    """The static site of one year's scores: ranking, every unit's scorecard, the documents."""
    from cchc import report_context as ctx
    from reports.html import write_site as site

    units = {code: ctx.scorecard(engine, scored, code, issued) for code in scored.summary.index}
    publication = ctx.publication(engine, scored, issued)
    documents = [("cong-bo-diem", publication)]
    documents += [(f"ke-hoach-khac-phuc-{code}", ctx.improvement(engine, scored, code, issued, deadline))
                  for code in scored.summary.index[-5:]]
    return site(out, f"Kết quả đánh giá năm {scored.year}", scored.ruleset.title, publication, units, documents)


def report(
    kind: Annotated[str, typer.Argument(help="Loại văn bản: " + ", ".join(KINDS))],
    year: Annotated[int, typer.Option(help="Năm đánh giá.")] = 2024,
    unit: Annotated[Optional[str], typer.Option(help="Mã đơn vị.")] = None,
    ruleset: Annotated[str, typer.Option(help="Bộ tiêu chí chấm điểm.")] = "qd766-2022",
    period: Annotated[Optional[str], typer.Option(help="Kỳ báo cáo (với bao-cao), ví dụ «Quý III/2024».")] = None,
    fmt: Annotated[str, typer.Option("--format", help="docx, html, xlsx hoặc pdf.")] = "docx",
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
    issued: Annotated[Optional[str], typer.Option(help="Ngày ban hành dd/mm/yyyy (mặc định: theo loại văn bản).")] = None,
) -> None:
    """Xuất văn bản hoặc trang web từ dữ liệu đã nạp: cong-bo-diem, phieu-diem, ke-hoach-khac-phuc, bao-cao,
    trang-web."""
    from cchc import report_context as ctx
    from cchc.cli import _engine, console
    from rules.ruleset import find
    from store import calendar

    if kind not in KINDS:
        raise typer.BadParameter(f"không có loại «{kind}»; chọn: {', '.join(KINDS)}", param_hint="KIND")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"chọn một trong {', '.join(FORMATS)}", param_hint="--format")
    if kind in ("phieu-diem", "ke-hoach-khac-phuc", "ke-hoach", "ket-luan-kiem-tra") and not unit:
        raise typer.BadParameter(f"«{kind}» cần --unit", param_hint="--unit")
    engine = _engine()
    if kind == "bao-cao":
        try:
            code = calendar.parse_period(period or f"Năm {year}").code
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="--period") from None
        document = ctx.periodic(engine, code, unit)
        path = write(document, out, f"bao-cao-{code}{'-' + unit if unit else ''}", fmt)
        console.print(f"Đã ghi {path}")
        return
    if kind == "ket-luan-kiem-tra":
        document = ctx.inspection_conclusion(engine, year, unit, day(issued, "--issued", date.today()))
        console.print(f"Đã ghi {write(document, out, f'ket-luan-kiem-tra-{unit}-{year}', fmt)}")
        return
    if kind == "ke-hoach":
        from cycle.plan import issue
        from rules.targets import targets_for

        plan_id = issue(engine, find("chi-so-cchc-so-nganh"), unit, year + 1, targets_for(unit, year + 1),
                        issued=day(issued, "--issued", date(year, 12, 20)))
        console.print(f"Đã ghi {write(ctx.plan_document(engine, plan_id), out, f'ke-hoach-cchc-{unit}-{year + 1}', fmt)}")
        return
    scored = ctx.score(engine, find(ruleset), year)
    when = day(issued, "--issued", date(year + 1, 1, 15))
    if unit and unit not in scored.summary.index:
        raise typer.BadParameter(f"đơn vị «{unit}» không được chấm theo bộ «{ruleset}» năm {year}", param_hint="--unit")
    if kind == "trang-web":
        console.print(f"Đã ghi trang web: {write_site(engine, scored, out / f'trang-web-{year}', when, date(year + 1, 6, 30))}")
        return
    if kind == "ke-hoach-kiem-tra":
        from cycle.inspection import plan

        plan(engine, scored, year + 1)
        document = ctx.inspection_plan(engine, year + 1, day(issued, "--issued", date(year, 12, 20)))
        console.print(f"Đã ghi {write(document, out, f'ke-hoach-kiem-tra-{year + 1}', fmt)}")
        return
    if kind == "cong-bo-diem":
        document, name = ctx.publication(engine, scored, when), f"cong-bo-diem-{ruleset}-{year}"
    elif kind == "phieu-diem":
        document, name = ctx.scorecard(engine, scored, unit, when), f"phieu-diem-{unit}-{year}"
    else:
        document = ctx.improvement(engine, scored, unit, when, date(year + 1, 6, 30))
        name = f"ke-hoach-khac-phuc-{unit}-{year}"
    console.print(f"Đã ghi {write(document, out, name, fmt)}")


def emulation_documents(engine, year: int, out: Path) -> list[Path]:
    """The year's emulation campaigns (seed 004): the launch plan and the review's documents, from a rehearsal
    ballot in which every member votes yes; and the province's eligibility list."""
    from cchc.emulation_cli import campaign_document, eligibility_document
    from emulation.campaigns import shipped_campaigns
    from emulation.eligibility import eligibility

    from cchc.emulation_cli import run_review
    from emulation.campaigns import load_campaign

    written = []
    for name in shipped_campaigns():
        campaign = load_campaign(name)
        if campaign.start.year != year:
            continue
        written.append(write(campaign_document(engine, name), out, f"ke-hoach-thi-dua-{name}", "docx"))
        written += run_review(engine, campaign, year, None, 9, 8, 1, "", "docx", out)
    listing = eligibility_document(engine, eligibility(engine, year), None, date(year, 12, 10))
    written += [write(listing, out, f"danh-sach-xet-danh-hieu-{year}", fmt) for fmt in ("xlsx", "docx")]
    return written
