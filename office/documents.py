"""Every document the office can write on its own, one entry each: its code, what it is, what it needs, and
how it is built from the store. Building a document only reads: the scores, plans and inspections it shows
must have been stored by their own step first (the refusal says which)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine

from base.rule_uses import family
from office.errors import Refused
from office.outputs import FORMATS, write


@dataclass(frozen=True)
class Request:
    year: int
    unit: str | None = None
    ruleset: str = family("units")  # an id, a family (chosen by the year) or a file
    period: str | None = None  # a period code
    issued: date | None = None
    fmt: str = "docx"
    out: Path = Path("out")


@dataclass(frozen=True)
class Kind:
    code: str
    description: str
    build: Callable[[Engine, Request, Callable], Path]
    needs_unit: bool = False


def _scored(engine: Engine, r: Request):
    from office.scores import ruleset, stored

    return stored(engine, ruleset(r.ruleset, f"{r.year}-NAM"), f"{r.year}-NAM")


def _publication(engine: Engine, r: Request, told) -> Path:
    from office.score_documents import publication, published_on

    scored = _scored(engine, r)
    doc = publication(engine, scored, r.issued or published_on(r.year))
    return write(doc, r.out, f"cong-bo-diem-{scored.ruleset.id}-{r.year}", r.fmt)


def _scorecard(engine: Engine, r: Request, told) -> Path:
    from office.score_documents import published_on, scorecard

    doc = scorecard(engine, _scored(engine, r), r.unit, r.issued or published_on(r.year))
    return write(doc, r.out, f"phieu-diem-{r.unit}-{r.year}", r.fmt)


def _improvement(engine: Engine, r: Request, told) -> Path:
    from office.score_documents import improvement, published_on, remedied_by

    doc = improvement(engine, _scored(engine, r), r.unit, r.issued or published_on(r.year), remedied_by(r.year))
    return write(doc, r.out, f"ke-hoach-khac-phuc-{r.unit}-{r.year}", r.fmt)


def _periodic(engine: Engine, r: Request, told) -> Path:
    from office.periodic import periodic

    code = r.period or f"{r.year}-NAM"
    return write(periodic(engine, code, r.unit), r.out, f"bao-cao-{code}{'-' + r.unit if r.unit else ''}", r.fmt)


def _site(engine: Engine, r: Request, told) -> Path:
    from office.score_documents import published_on, remedied_by, write_site

    return write_site(engine, _scored(engine, r), r.out / f"trang-web-{r.year}", r.issued or published_on(r.year),
                      remedied_by(r.year), told)


def _plan(engine: Engine, r: Request, told) -> Path:
    from office.frames import issuer
    from office.plans import plan_document, plan_id, province_plan

    year = r.year + 1
    if issuer(engine, r.unit).kind == "tinh":  # the province's plan: its target set, each body's duties
        year, document = province_plan(engine, r.unit, year)
        return write(document, r.out, f"ke-hoach-cchc-{r.unit}-{year}", r.fmt)
    return write(plan_document(engine, plan_id(engine, r.unit, year)), r.out, f"ke-hoach-cchc-{r.unit}-{year}", r.fmt)


def _inspection_plan(engine: Engine, r: Request, told) -> Path:
    from office.plans import inspection_plan

    year = r.year + 1
    doc = inspection_plan(engine, year, r.issued or date(r.year, 12, 28))
    return write(doc, r.out, f"ke-hoach-kiem-tra-{year}", r.fmt)


def _conclusion(engine: Engine, r: Request, told) -> Path:
    from office.plans import inspection_conclusion

    doc = inspection_conclusion(engine, r.year, r.unit, r.issued or date.today())
    return write(doc, r.out, f"ket-luan-kiem-tra-{r.unit}-{r.year}", r.fmt)


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("cong-bo-diem", "thông báo kết quả đánh giá, xếp hạng (bảng xếp hạng, chỉ số thành phần, biểu đồ)",
         _publication),
    Kind("phieu-diem", "phiếu điểm của một đơn vị, giải thích từng điểm (--unit)", _scorecard, needs_unit=True),
    Kind("ke-hoach-khac-phuc", "kế hoạch khắc phục các tiêu chí bị mất điểm của một đơn vị (--unit)", _improvement,
         needs_unit=True),
    Kind("bao-cao", "báo cáo CCHC định kỳ của một kỳ (--period), của tỉnh hoặc một đơn vị (--unit)", _periodic),
    Kind("trang-web", "trang web tĩnh: xếp hạng, phiếu điểm từng đơn vị, các văn bản", _site),
    Kind("ke-hoach", "kế hoạch CCHC năm sau đã ban hành của một sở (--unit; ban hành: cchc plan issue), hoặc kế "
         "hoạch PAR INDEX, SIPAS của tỉnh (--unit mã tỉnh) từ bộ mục tiêu của tỉnh", _plan,
         needs_unit=True),
    Kind("ke-hoach-kiem-tra", "kế hoạch kiểm tra CCHC năm sau đã lập (lập: cchc inspection plan)", _inspection_plan),
    Kind("ket-luan-kiem-tra", "kết luận kiểm tra CCHC tại một đơn vị trong năm (--unit), từ kết quả kiểm tra đã nhập",
         _conclusion, needs_unit=True),
)}


def build(engine: Engine, code: str, request: Request, told: Callable = lambda done, total: None) -> Path:
    """Write the document ``code`` asks for; refused with what is missing."""
    kind = KINDS.get(code)
    if kind is None:
        raise Refused(f"không có loại văn bản «{code}»; chọn: {', '.join(KINDS)}", field="KIND")
    if request.fmt not in FORMATS:
        raise Refused(f"chọn một trong {', '.join(FORMATS)}", field="--format")
    if kind.needs_unit and not request.unit:
        raise Refused(f"«{code}» cần --unit", field="--unit")
    return kind.build(engine, request, told)
