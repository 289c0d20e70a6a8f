"""The ministry's roll-up of the provinces of one installation: each registered province's published results of
a year, read from its own store (no score is computed here: a province's index is made from the rates its
published run stored), ranked on Decision 766 and on the provinces' own PAR index, as a document.

A province's index [NC] is the unweighted mean of its units' rates (points over the maximum, %) in the latest
published run of the year: every unit counts the same, whatever its size. The national Decision 766 index of a
province is computed by the national service portal from the province's own data, and the Ministry's PAR INDEX
by its own survey and appraisal; neither is an average of units — this roll-up compares provinces on what their
own offices published, and says so in the document. The issuer of the document is data (``ministry.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from office.errors import NotFound
from office.provinces import Province
from office.rulesets import used_for
from reports import documents as docs
from reports.model import Document, Frame, Signature
from store import models

ISSUER = Path(__file__).with_name("ministry.yaml")
RULESETS = {"766": "units", "par": "department_index"}  # uses of base/rule_uses.yaml: the sets in force that year
TITLES = {"766": "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định số 766/QĐ-TTg)",
          "par": "Chỉ số cải cách hành chính các sở, ban, ngành của tỉnh"}
AGGREGATION = ("Chỉ số của mỗi tỉnh là bình quân cộng tỷ lệ điểm đạt được của các đơn vị trong kết quả tỉnh đã "
               "công bố (mỗi đơn vị một trọng số như nhau); tỉnh chưa công bố kết quả năm thì không xếp hạng.")


@dataclass(frozen=True)
class Published:
    """A province's index from one published run, as stored."""

    ruleset: str
    version: int
    published: date
    rates: dict[str, float]  # unit → its stored rate (%)

    @property
    def value(self) -> float:
        return sum(self.rates.values()) / len(self.rates)


def published(url: str, ruleset: str, year: int) -> Published | None:
    """The latest published run of ``ruleset`` over the year in the store at ``url``, read only (nothing is
    migrated or written); None when none was published."""
    from store.db import make_engine

    engine = make_engine(url)
    R, E = models.ScoreRun, models.ScoreEntry
    try:
        with Session(engine) as s:
            run = s.scalars(select(R).where(R.ruleset == ruleset, R.period_code == f"{year}-NAM",
                                            R.published_at.is_not(None)).order_by(R.version.desc()).limit(1)).first()
            if run is None:
                return None
            rates = dict(s.execute(select(E.unit, E.ty_le).where(E.run_id == run.id, E.toi_da > 0,
                                                                   E.ty_le.is_not(None))).tuples().all())
            if not rates:
                return None
            return Published(ruleset, run.version, run.published_at.date(), {u: float(v) for u, v in rates.items()})
    finally:
        engine.dispose()


def _ranked(lines: list[docs.ProvinceLine], which: str) -> list[docs.ProvinceLine]:
    """Ranks 1, 2, 2, 4…: equal indices (to the hundredth shown) share a rank."""
    field = f"index_{which}"
    order = sorted((p for p in lines if getattr(p, field) is not None), key=lambda p: -getattr(p, field).value)
    ranks, previous = {}, None
    for i, p in enumerate(order, start=1):
        value = round(getattr(p, field).value, 2)
        ranks[p.key] = ranks[order[i - 2].key] if previous == value else i
        previous = value
    return [replace(p, **{field: replace(getattr(p, field), rank=ranks[p.key])}) if p.key in ranks else p for p in lines]


def ranking(provinces: list[Province], year: int) -> docs.ProvinceRanking:
    """Every province's published indices of ``year``, ranked; refused when no province published either."""
    lines = []
    for p in provinces:
        found = {w: published(p.database_url, used_for(use, f"{year}-NAM").id, year) for w, use in RULESETS.items()}
        lines.append(docs.ProvinceLine(p.key, p.name, *(
            docs.ProvinceIndex(f.value, len(f.rates), f.version, f.published) if f else None
            for f in (found["766"], found["par"]))))
    if not provinces or all(p.index_766 is None and p.index_par is None for p in lines):
        raise NotFound(f"chưa tỉnh nào công bố kết quả năm {year} (chấm điểm và công bố: cchc --tinh KEY score "
                       f"--period «Năm {year}» --publish)", field="--nam")
    for which in RULESETS:
        lines = _ranked(lines, which)
    return docs.ProvinceRanking(year, TITLES["766"], TITLES["par"], AGGREGATION, tuple(lines))


def frame(issued: date) -> Frame:
    """The issuer of the roll-up, as ``ministry.yaml`` says [NC]."""
    data = yaml.safe_load(ISSUER.read_text(encoding="utf-8"))
    signer = data["ky"]
    return Frame(parent_body=data["co_quan_chu_quan"], body=data["co_quan"], body_code=data["ky_hieu"],
                 type_code="BC", place=data["dia_danh"], issued=issued, recipients=tuple(data["noi_nhan"]),
                 signature=Signature(signer["tham_quyen"], signer["chuc_vu"], signer.get("ho_ten", "")))


def document(provinces: list[Province], year: int, issued: date) -> Document:
    return docs.province_ranking(ranking(provinces, year), frame(issued))


def write_rollup(provinces: list[Province], year: int, out: Path, issued: date | None = None) -> list[Path]:
    """The roll-up as DOCX (to sign) and XLSX (to compute with), in ``out``."""
    from office.outputs import write

    doc = document(provinces, year, issued or date.today())
    name = f"bang-xep-hang-cac-tinh-{year}"
    return [write(doc, out, name, fmt) for fmt in ("docx", "xlsx")]
