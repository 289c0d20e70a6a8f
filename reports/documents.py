"""The documents the office hands over, each from a plain context object: the context says what the
document is about, a template in ``reports/templates/`` says it in words, and the renderers lay it out
as DOCX, HTML or XLSX. Nothing here knows where the numbers came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reports import charts
from reports.markup import render_blocks
from reports.model import Document, Frame, Table


# --- Scores ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitScore:
    code: str
    name: str
    points: float
    maximum: float
    percent: float
    rank: int
    classification: str
    components: dict[str, float]  # area id → index (%)


@dataclass(frozen=True)
class Scoreboard:
    """The score publication (công bố kết quả) of one rule set for one year."""

    year: int
    ruleset_title: str
    ruleset_reference: str
    areas: tuple[tuple[str, str], ...]  # (id, title)
    units: tuple[UnitScore, ...]  # ranked
    classes: tuple[str, ...]
    note: str = ""

    @property
    def average(self) -> float:
        return sum(u.percent for u in self.units) / len(self.units) if self.units else float("nan")

    def component_average(self, area: str) -> float:
        values = [u.components.get(area) for u in self.units if u.components.get(area) == u.components.get(area)]
        return sum(values) / len(values) if values else float("nan")


def score_publication(board: Scoreboard, frame: Frame) -> Document:
    ranking = Table(
        ("Hạng", "Mã", "Đơn vị", "Điểm", "Tối đa", "Tỷ lệ", "Xếp loại") + tuple(a for a, _ in board.areas),
        tuple((u.rank, u.code, u.name, u.points, u.maximum, u.percent, u.classification)
              + tuple(u.components.get(a) for a, _ in board.areas) for u in board.units),
        ("int", "text", "text", "dec", "dec", "pct", "text") + ("pct",) * len(board.areas),
        title=f"Kết quả xếp hạng năm {board.year}", key=1)
    areas = Table(("Mã", "Lĩnh vực, nhóm chỉ số", "Bình quân (%)"),
                  tuple((a, t, board.component_average(a)) for a, t in board.areas), ("text", "text", "pct"),
                  title="Chỉ số thành phần bình quân")
    counts = {c: sum(1 for u in board.units if u.classification == c) for c in board.classes}
    figure = charts.ranking([u.name for u in board.units], [u.percent for u in board.units],
                            f"Xếp hạng theo tỷ lệ điểm đạt được năm {board.year} (%)")
    tables = {"xep_hang": ranking, "thanh_phan": areas}
    blocks = render_blocks("cong_bo_diem.j2", {"b": board, "counts": counts}, tables, {"xep_hang": figure})
    return Document("cong_bo_diem", frame, tuple(blocks), tables)


@dataclass(frozen=True)
class LeafLine:
    criterion: str
    title: str
    value: float
    unit: str
    step: str
    points: float
    maximum: float
    reference: str
    sentence: str


@dataclass(frozen=True)
class Scorecard:
    """One unit's scorecard (phiếu điểm): every point with its explanation."""

    year: int
    ruleset_title: str
    unit: UnitScore
    ranked: int
    leaves: tuple[LeafLine, ...]
    areas: tuple[tuple[str, str], ...]
    average: dict[str, float]  # area → province average (%)
    target: dict[str, float] = field(default_factory=dict)  # area → target (%)


def scorecard(card: Scorecard, frame: Frame) -> Document:
    lines = Table(("Tiêu chí", "Nội dung", "Giá trị", "Mức áp dụng", "Điểm", "Tối đa", "Căn cứ"),
                  tuple((leaf.criterion, leaf.title, leaf.value, leaf.step, leaf.points, leaf.maximum, leaf.reference)
                        for leaf in card.leaves),
                  ("text", "text", "dec", "text", "dec", "dec", "text"), title="Điểm từng tiêu chí")
    series = {card.unit.name: [card.unit.components.get(a, float("nan")) for a, _ in card.areas],
              "Bình quân": [card.average.get(a, float("nan")) for a, _ in card.areas]}
    if card.target:
        series["Mục tiêu"] = [card.target.get(a, float("nan")) for a, _ in card.areas]
    radar = charts.radar([t for _, t in card.areas], series, "Chỉ số thành phần (%)")
    tables = {"tieu_chi": lines}
    blocks = render_blocks("phieu_diem.j2", {"c": card}, tables, {"radar": radar})
    return Document("phieu_diem", frame, tuple(blocks), tables)


@dataclass(frozen=True)
class LostPoint:
    criterion: str
    title: str
    lost: float
    why: str  # the explanation sentence
    responsible: str
    deadline: date


@dataclass(frozen=True)
class ImprovementPlan:
    """Kế hoạch khắc phục: the criteria that lost points, who fixes them and by when."""

    year: int
    unit_name: str
    ruleset_title: str
    items: tuple[LostPoint, ...]


def improvement_plan(plan: ImprovementPlan, frame: Frame) -> Document:
    items = Table(("TT", "Tiêu chí", "Nội dung", "Điểm bị mất", "Nguyên nhân", "Đơn vị chủ trì", "Thời hạn"),
                  tuple((i, p.criterion, p.title, p.lost, p.why, p.responsible, p.deadline)
                        for i, p in enumerate(plan.items, start=1)),
                  ("int", "text", "text", "dec", "text", "text", "date"), title="Các tiêu chí cần khắc phục")
    tables = {"khac_phuc": items}
    blocks = render_blocks("ke_hoach_khac_phuc.j2", {"k": plan}, tables, {})
    return Document("ke_hoach_khac_phuc", frame, tuple(blocks), tables)


# --- The yearly plan and the periodic report --------------------------------------------------------------

@dataclass(frozen=True)
class TargetLine:
    label: str
    last: float | None
    last_rank: int | None
    target: str
    rank: str
    responsible: str


@dataclass(frozen=True)
class AreaTasks:
    code: str
    title: str
    tasks: tuple[str, ...]
    lead: str
    support: str
    deadline: str = "Cả năm"
    output: str = ""


@dataclass(frozen=True)
class YearPlan:
    """The year's CCHC plan (seeds 000 and 003): targets, then tasks per reform area."""

    year: int
    subject: str  # "Sở Khoa học và Công nghệ tỉnh Lai Châu"
    basis: tuple[str, ...]
    targets: tuple[TargetLine, ...]
    remedial: tuple[AreaTasks, ...]  # criteria that lost points last year, first
    areas: tuple[AreaTasks, ...]


def year_plan(plan: YearPlan, frame: Frame) -> Document:
    targets = Table(("STT", "Chỉ số", f"Kết quả {plan.year - 1}", f"Thứ hạng {plan.year - 1}",
                     f"Mục tiêu {plan.year}", "Thứ hạng mục tiêu", "Đơn vị thực hiện/theo dõi"),
                    tuple((i, t.label, t.last, t.last_rank, t.target, t.rank, t.responsible)
                          for i, t in enumerate(plan.targets, start=1)),
                    ("int", "text", "pct", "int", "text", "text", "text"), title="Mục tiêu")
    tables = {"muc_tieu": targets}
    blocks = render_blocks("ke_hoach.j2", {"k": plan}, tables, {})
    return Document("ke_hoach", frame, tuple(blocks), tables)


@dataclass(frozen=True)
class Figure766:
    label: str
    value: float
    unit: str


@dataclass(frozen=True)
class PeriodicReport:
    """The periodic CCHC report (seed 001): results by area, the figures of the period, the direction."""

    period_label: str
    window: str
    due: date
    subject: str
    reported: int
    expected: int
    late: tuple[str, ...]
    missing: tuple[str, ...]
    figures: tuple[Figure766, ...]
    results: tuple[tuple[str, str], ...]  # (area title, paragraph)
    direction: tuple[str, ...]
    trend_labels: tuple[str, ...] = ()
    trend: dict[str, tuple[float, ...]] = field(default_factory=dict)


def periodic_report(report: PeriodicReport, frame: Frame) -> Document:
    figures = Table(("STT", "Chỉ tiêu", "Giá trị", "Đơn vị tính"),
                    tuple((i, f.label, f.value, f.unit) for i, f in enumerate(report.figures, start=1)),
                    ("int", "text", "dec", "text"), title=f"Số liệu {report.period_label}")
    pictures = {}
    if report.trend:
        pictures["xu_huong"] = charts.trend(report.trend_labels, report.trend, "Diễn biến qua các kỳ (%)")
    tables = {"so_lieu": figures}
    blocks = render_blocks("bao_cao.j2", {"r": report, "co_xu_huong": bool(report.trend)}, tables, pictures)
    return Document("bao_cao", frame, tuple(blocks), tables)
