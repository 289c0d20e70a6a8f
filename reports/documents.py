"""The documents the office hands over, each from a plain context object: the context says what the
document is about, a template in ``reports/templates/`` says it in words, and the renderers lay it out
as DOCX, HTML or XLSX. Nothing here knows where the numbers came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from base import rule_uses
from base.vn import number
from reports import charts
from reports.markup import render_blocks
from reports.model import Block, Document, Frame, Table


PERIOD_WORDS = {"NAM": "năm {y}", "Q1": "quý I năm {y}", "Q2": "quý II năm {y}", "Q3": "quý III năm {y}",
                "Q4": "quý IV năm {y}", "6T": "6 tháng năm {y}", "9T": "9 tháng năm {y}"}
CODE_WORDS = rule_uses.words()  # family of rule sets → how a signed document names its sets
_UNCONFIRMED = re.compile(r"\s*[;,]?\s*(điểm là ví dụ\s*)?\[NC[^\]]*\]")
_VERSION = re.compile(r"\s*\((lượt chấm điểm )?phiên bản \d+\)|,?\s*(lượt chấm điểm )?phiên bản \d+")
_PERIOD = re.compile(r"\b(20\d\d)-(NAM|Q[1-4]|6T|9T)\b")
# A rule set's code: a family with or without its year (qd766-2022), or a campaign's own set.
_CODE = re.compile(r"(?<![\w-])(?:(?P<family>" + "|".join(map(re.escape, sorted(CODE_WORDS, key=len, reverse=True)))
                   + r")(?:-(?:19|20)\d\d)?(?![\w-])|thi-dua-cchc-[a-z0-9-]+)")


@lru_cache(maxsize=1 << 16)  # a list of everyone repeats its units, ratings, titles and reasons thousands of times
def signed_text(text: str) -> str:
    """Text fit for a signed document: no «[NC]» mark (the value stays, its doubt belongs in the data), no run
    version, periods and rule sets in words rather than their codes."""
    text = _UNCONFIRMED.sub("", text)
    text = _VERSION.sub("", text)
    text = _PERIOD.sub(lambda m: PERIOD_WORDS[m.group(2)].format(y=m.group(1)), text)
    return _CODE.sub(lambda m: CODE_WORDS[m["family"]] if m["family"] else "nội dung thi đua của phong trào", text)


def _clean_table(table: Table) -> Table:
    rows = tuple(tuple(signed_text(v) if isinstance(v, str) else v for v in row) for row in table.rows)
    return replace(table, rows=rows, title=signed_text(table.title))


def _compose(kind: str, frame: Frame, context: dict, tables: dict[str, Table] | None = None,
             figures: dict | None = None) -> Document:
    """A document of ``kind``: its template ``<kind>.j2`` says the context in words around the tables and figures;
    what it says is cleaned of internal marks and codes (``signed_text``)."""
    tables = {k: _clean_table(t) for k, t in (tables or {}).items()}
    blocks = tuple(replace(b, text=signed_text(b.text), table=_clean_table(b.table) if b.table else None)
                   for b in render_blocks(f"{kind}.j2", context, tables, figures or {}))
    return Document(kind, frame, _titled_once(blocks), tables)


_NUMBERED = re.compile(r"^(?:[IVXLC]+|\d+)\.\s*")


def _titled_once(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A table right under a heading saying what its title says («3. Chỉ số thành phần bình quân» above «Chỉ số
    thành phần bình quân») is drawn without its title: the page would say it twice."""
    said = lambda text: _NUMBERED.sub("", text).strip().casefold()  # noqa: E731
    return tuple(replace(b, table=replace(b.table, title="")) if b.kind == "table" and b.table and at
                 and blocks[at - 1].kind in ("h1", "h2") and said(blocks[at - 1].text) == said(b.table.title)
                 else b for at, b in enumerate(blocks))


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


def _group(code: str, title: str) -> str:
    """A group column's header: its number and the first words of its title («Nhóm 1: Công khai…»)."""
    words = title.split()
    short = " ".join(words[:3]) + ("…" if len(words) > 3 else "")
    return f"Nhóm {code}: {short}"


RANKING_SHOWN = 15  # units shown at each end of a long ranking's chart


def score_publication(board: Scoreboard, frame: Frame) -> Document:
    ranking = Table(
        ("Hạng", "Mã", "Đơn vị", "Điểm", "Tối đa", "Tỷ lệ", "Xếp loại") + tuple(_group(a, t) for a, t in board.areas),
        tuple((u.rank, u.code, u.name, u.points, u.maximum, u.percent, u.classification)
              + tuple(u.components.get(a) for a, _ in board.areas) for u in board.units),
        ("int", "text", "text", "dec", "dec", "pct", "text") + ("pct",) * len(board.areas),
        title=f"Kết quả xếp hạng năm {board.year}", key=1)
    areas = Table(("Mã", "Lĩnh vực, nhóm chỉ số", "Bình quân"),
                  tuple((a, t, board.component_average(a)) for a, t in board.areas), ("text", "text", "pct"),
                  title="Chỉ số thành phần bình quân")
    counts = {c: sum(1 for u in board.units if u.classification == c) for c in board.classes}
    shown = board.units
    title = f"Xếp hạng theo tỷ lệ điểm đạt được năm {board.year} (%)"
    if len(shown) > 2 * RANKING_SHOWN:  # a bar per unit would not fit a page: the ends, and the full table
        shown = shown[:RANKING_SHOWN] + shown[-RANKING_SHOWN:]
        title = (f"{RANKING_SHOWN} đơn vị dẫn đầu và {RANKING_SHOWN} đơn vị cuối bảng xếp hạng năm {board.year} "
                 f"theo tỷ lệ điểm đạt được (%); đủ {len(board.units)} đơn vị tại bảng xếp hạng")
    figures = {
        "xep_hang": charts.ranking([f"{u.rank}. {u.name}" for u in shown], [u.percent for u in shown], title),
        "phan_bo": charts.distribution([u.percent for u in board.units], "Phân bố tỷ lệ điểm của các đơn vị",
                                       "tỷ lệ điểm đạt được (%)"),
    }
    tables = {"xep_hang": ranking, "thanh_phan": areas}
    return _compose("cong_bo_diem", frame, {"b": board, "counts": counts}, tables=tables, figures=figures)


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
    unbacked: tuple[tuple[str, str, str], ...] = ()  # (criterion, declared figure, the unit's explanation or "")
    notes: tuple[tuple[str, str, str], ...] = ()  # (criterion or "", how the rules depart from their text, reference)
    forecast: str = ""  # the year-end forecast kept for the unit in that period (office.forecasts.on_scorecard)


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
    return _compose("phieu_diem", frame, {"c": card}, tables=tables, figures={"radar": radar})


@dataclass(frozen=True)
class LostPoint:
    criterion: str
    title: str
    lost: float | None  # None: no data, and the rule set leaves the criterion out of the maximum (nothing lost)
    why: str  # the explanation sentence
    responsible: str
    deadline: date


@dataclass(frozen=True)
class GoalChange:
    words: str  # what to do, by how much: «thêm 1.215 hồ sơ giải quyết đúng hạn»
    before: float
    after: float
    gains: tuple[tuple[str, float], ...]  # (criterion, points gained)


@dataclass(frozen=True)
class GoalAnswer:
    """A target of the unit's target set and what the unit must change to reach it, as kept with the run."""

    goal: str
    lines: tuple[str, ...]  # the answer in the office's words
    changes: tuple[GoalChange, ...]


@dataclass(frozen=True)
class ImprovementPlan:
    """Kế hoạch khắc phục: the criteria that lost points, who fixes them and by when; with a target set, what
    to change to reach each target."""

    year: int
    unit_name: str
    ruleset_title: str
    items: tuple[LostPoint, ...]
    goals: tuple[GoalAnswer, ...] = ()
    target_title: str = ""


def improvement_plan(plan: ImprovementPlan, frame: Frame) -> Document:
    items = Table(("TT", "Tiêu chí", "Nội dung", "Điểm bị mất", "Nguyên nhân", "Đơn vị chủ trì", "Thời hạn"),
                  tuple((i, p.criterion, p.title, p.lost, p.why, p.responsible, p.deadline)
                        for i, p in enumerate(plan.items, start=1)),
                  ("int", "text", "text", "dec", "text", "text", "date"), title="Các tiêu chí cần khắc phục")
    tables = {"khac_phuc": items}
    for n, g in enumerate(plan.goals, start=1):
        tables[f"muc_tieu_{n}"] = Table(
            ("TT", "Việc cần làm", "Hiện nay", "Cần đạt", "Tiêu chí", "Điểm tăng thêm"),
            tuple((i, c.words, c.before, c.after, "; ".join(k for k, _ in c.gains), sum(p for _, p in c.gains))
                  for i, c in enumerate(g.changes, start=1)),
            ("int", "text", "dec", "dec", "text", "dec"), title=f"Việc cần làm để đạt mục tiêu {n}")
    return _compose("ke_hoach_khac_phuc", frame, {"k": plan}, tables=tables)


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
    return _compose("ke_hoach", frame, {"k": plan}, tables=tables)


@dataclass(frozen=True)
class ProvincePlan:
    """The province's plan to keep and raise its PAR INDEX and SIPAS (seed 003): last year's results and rank
    among the provinces against this year's targets and rank range, who answers for each; each body's duties."""

    year: int
    province: str  # «Lai Châu»
    basis: tuple[str, ...]
    results: str  # the sentence on last year's results
    targets: tuple[TargetLine, ...]
    rank_of: int | None  # 63
    duties: tuple[tuple[str, tuple[str, ...]], ...]  # (who, tasks)


def province_plan(plan: ProvincePlan, frame: Frame) -> Document:
    of = f" (trên {plan.rank_of} tỉnh, thành phố)" if plan.rank_of else ""
    targets = Table(("STT", "Chỉ số thành phần", f"Chỉ số năm {plan.year - 1}", f"Thứ hạng năm {plan.year - 1}{of}",
                     f"Mục tiêu chỉ số năm {plan.year}", f"Mục tiêu thứ hạng năm {plan.year}",
                     "Đơn vị thực hiện/theo dõi"),
                    tuple((i, t.label, NO_DATA if _missing(t.last) else f"{number(t.last, 2)}%",
                           NO_DATA if t.last_rank is None else t.last_rank, t.target, t.rank, t.responsible)
                          for i, t in enumerate(plan.targets, start=1)),
                    ("int", "text", "text", "int", "text", "text", "text"),
                    title=f"Mục tiêu Chỉ số PAR INDEX, SIPAS năm {plan.year}")
    return _compose("ke_hoach_tinh", frame, {"k": plan}, tables={"muc_tieu": targets})


@dataclass(frozen=True)
class Figure766:
    label: str
    value: float
    unit: str


@dataclass(frozen=True)
class ReportSection:
    """One section of the Ministry's report form: what the store's figures say, and what the units said in their
    own words (who, text; who is empty in a unit's own report)."""

    code: str
    title: str
    group: str  # chi_dao (I), ket_qua (II), danh_gia (III), phuong_huong (IV)
    data: tuple[str, ...] = ()
    said: tuple[tuple[str, str], ...] = ()


# The parts of the report form and their headings, in order.
REPORT_GROUPS = (("chi_dao", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"),
                 ("ket_qua", "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"),
                 ("danh_gia", "ĐÁNH GIÁ CHUNG"),
                 ("phuong_huong", "PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"))
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
NO_DATA = "chưa có số liệu"


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
    on_time: int = 0
    progress: tuple[tuple[str, str, float | None, float | None], ...] = ()  # (target, goal, last year, now)
    provisional: tuple[tuple[str, float, float, int], ...] = ()  # (unit, points, percent, rank), provisional
    provisional_of: str = ""  # the rule set's title
    addressee: str = ""  # «Sở Nội vụ» for a unit's report, «Bộ Nội vụ» for the province's
    sections: tuple[ReportSection, ...] = ()  # the Ministry's form; without them, ``results`` under part II
    forecast: str = ""  # a unit's year-end forecast as kept when it was made (after the provisional scores)
    provisional_ranked: int = 0  # units the provisional scores rank; the province's table shows both ends of them


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def periodic_report(report: PeriodicReport, frame: Frame) -> Document:
    """The report in the Ministry's structure: how the units reported (the province's), direction, results by
    reform area with the figures, the overall assessment (difficulties, proposals) and the next period's tasks;
    a section without figures or words says «chưa có số liệu», never 0."""
    figures = Table(("STT", "Chỉ tiêu", "Giá trị", "Đơn vị tính"),
                    tuple((i, f.label, NO_DATA if _missing(f.value) else f.value, f.unit)
                          for i, f in enumerate(report.figures, start=1)),
                    ("int", "text", "dec", "text"), title=f"Số liệu {report.period_label}")
    sections = report.sections or tuple(ReportSection("", title, "ket_qua", (text,)) for title, text in report.results)
    groups = [(code, heading, [s for s in sections if s.group == code]) for code, heading in REPORT_GROUPS]
    pictures = {}
    if report.trend:
        pictures["xu_huong"] = charts.trend(report.trend_labels, report.trend, "Diễn biến qua các kỳ (%)")
    tables = {"so_lieu": figures}
    if report.progress:
        tables["tien_do"] = Table(("STT", "Mục tiêu", "Chỉ tiêu kế hoạch", "Kết quả năm trước", "Tạm tính kỳ này"),
                                  tuple((i, goal, target, NO_DATA if _missing(last) else last,
                                         NO_DATA if _missing(now) else now)
                                        for i, (goal, target, last, now) in enumerate(report.progress, start=1)),
                                  ("int", "text", "text", "pct", "pct"), title="Tiến độ thực hiện mục tiêu kế hoạch")
    if report.provisional:
        tables["diem_tam_tinh"] = Table(("Hạng", "Đơn vị", "Điểm", "Tỷ lệ"),
                                        tuple((r, u, p, q) for u, p, q, r in report.provisional),
                                        ("int", "text", "dec", "pct"), title=f"Điểm tạm tính: {report.provisional_of}")
    context = {"r": report, "co_xu_huong": bool(report.trend), "groups": groups, "roman": ROMAN}
    return _compose("bao_cao", frame, context, tables=tables, figures=pictures)


# --- Inspections ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InspectionVisit:
    unit: str
    month: int
    reason: str


@dataclass(frozen=True)
class InspectionPlan:
    """Kế hoạch kiểm tra CCHC (seed 003: more than 30% of units a year, risk first)."""

    year: int
    total_units: int
    visits: tuple[InspectionVisit, ...]
    minimum_share: float = 30.0
    contents: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return len(self.visits) / self.total_units * 100 if self.total_units else 0.0


def inspection_plan(plan: InspectionPlan, frame: Frame) -> Document:
    visits = Table(("STT", "Đơn vị được kiểm tra", "Tháng", "Lý do lựa chọn"),
                   tuple((i, v.unit, v.month, v.reason) for i, v in enumerate(plan.visits, start=1)),
                   ("int", "text", "int", "text"), title=f"Danh sách đơn vị được kiểm tra năm {plan.year}")
    tables = {"lich_kiem_tra": visits}
    return _compose("ke_hoach_kiem_tra", frame, {"k": plan}, tables=tables)


@dataclass(frozen=True)
class Recommendation:
    text: str
    responsible: str
    deadline: date


@dataclass(frozen=True)
class InspectionConclusion:
    """Kết luận kiểm tra: what was found at a unit and what it must do, by when."""

    unit: str
    inspected_on: date
    team: str
    strengths: tuple[str, ...]
    findings: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]


def inspection_conclusion(c: InspectionConclusion, frame: Frame) -> Document:
    recs = Table(("STT", "Kiến nghị", "Đơn vị thực hiện", "Thời hạn"),
                 tuple((i, r.text, r.responsible, r.deadline) for i, r in enumerate(c.recommendations, start=1)),
                 ("int", "text", "text", "date"), title="Kiến nghị và thời hạn khắc phục")
    tables = {"kien_nghi": recs}
    return _compose("ket_luan_kiem_tra", frame, {"k": c}, tables=tables)


# --- Emulation and commendation -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignPlan:
    """Kế hoạch phát động phong trào thi đua (seed 004)."""

    title: str
    basis: tuple[str, ...]
    launcher: str  # "Giám đốc Sở Khoa học và Công nghệ tỉnh Ninh Thuận"
    participants: str
    purposes: tuple[str, ...]
    requirements: tuple[str, ...]
    contents: tuple[str, ...]
    start: date
    end: date
    award_forms: tuple[str, ...]
    criteria_basis: str
    measures: tuple[str, ...]
    proposals_to: str  # where divisions send their proposals: "Văn phòng Sở"


def campaign_plan(p: CampaignPlan, frame: Frame) -> Document:
    return _compose("ke_hoach_thi_dua", frame, {"k": p})


@dataclass(frozen=True)
class Registration:
    participant: str
    unit: str
    aim: str  # the title or award form registered for
    committed: bool
    collective: bool = False


@dataclass(frozen=True)
class RegistrationList:
    campaign: str  # the movement in words, as a sentence names it («phong trào thi đua …»)
    year: int
    rows: tuple[Registration, ...]

    @property
    def participants(self) -> tuple[Registration, ...]:
        """One line per collective or person, the titles and forms it registered for together («Chiến sĩ thi đua cơ
        sở; Lao động tiên tiến»), committed when it signed for each of them."""
        joined: dict[tuple, list[Registration]] = {}
        for x in self.rows:
            joined.setdefault((x.participant, x.unit, x.collective), []).append(x)
        return tuple(sorted((replace(xs[0], aim="; ".join(dict.fromkeys(x.aim for x in xs)),
                                     committed=all(x.committed for x in xs)) for xs in joined.values()),
                            key=lambda x: not x.collective))  # collectives first, as the other lists

    @property
    def counted(self) -> str:
        return _counted(self.participants)


def registration_list(r: RegistrationList, frame: Frame) -> Document:
    table = Table(("STT", "Tập thể, cá nhân", "Đơn vị", "Danh hiệu, hình thức đăng ký", "Ký cam kết"),
                  tuple((i, x.participant, x.unit, x.aim, "Có" if x.committed else "Chưa")
                        for i, x in enumerate(r.participants, start=1)),
                  ("int", "text", "text", "text", "text"), title="Danh sách đăng ký thi đua")
    tables = {"dang_ky": table}
    return _compose("danh_sach_dang_ky", frame, {"k": r}, tables=tables)


@dataclass(frozen=True)
class Ballot:
    """One nominee's secret ballot as the council recorded it: ``passed`` is the stored outcome, never
    recomputed here."""

    nominee: str
    form: str  # the award form voted on, in words
    yes: int
    members: int
    needed: str  # the share required, in words («≥ 80%», «trên 50%»)
    passed: bool
    note: str = ""
    collective: bool = False

    @property
    def share(self) -> float:
        return self.yes / self.members * 100 if self.members else 0.0


@dataclass(frozen=True)
class CouncilMinutes:
    """Biên bản họp xét (bình xét) of the emulation and commendation council, with the secret ballot."""

    council: str
    met_on: date
    place: str
    chair: str
    secretary: str
    members: int
    present: int
    written: int  # absent members who voted in writing
    ballots: tuple[Ballot, ...]

    @property
    def agreed(self) -> str:
        """Those the council agreed to propose, counted once each whatever the forms voted on."""
        return _counted(tuple({(b.nominee, b.collective): b for b in self.ballots if b.passed}.values()))


def council_minutes(m: CouncilMinutes, frame: Frame) -> Document:
    table = Table(("STT", "Tập thể, cá nhân", "Hình thức", "Phiếu đồng ý", "Tỷ lệ trên tổng số thành viên",
                   "Tỷ lệ cần đạt", "Kết quả"),
                  tuple((i, b.nominee, b.form, b.yes, b.share, b.needed, "Đạt" if b.passed else "Không đạt")
                        for i, b in enumerate(m.ballots, start=1)),
                  ("int", "text", "text", "int", "pct", "text", "text"), title="Kết quả bỏ phiếu kín")
    tables = {"bo_phieu": table}
    return _compose("bien_ban_binh_xet", frame, {"k": m}, tables=tables)


@dataclass(frozen=True)
class Nominee:
    name: str
    unit: str
    form: str
    achievements: str
    collective: bool = False


def _counted(who: tuple) -> str:
    """«01 tập thể và 02 cá nhân», as proposals and decisions count those they name (two digits, the collectives
    first)."""
    collectives = sum(w.collective for w in who)
    return " và ".join(f"{n:02d} {kind}" for n, kind in ((collectives, "tập thể"), (len(who) - collectives, "cá nhân"))
                       if n)


@dataclass(frozen=True)
class Proposal:
    """Tờ trình đề nghị khen thưởng, with the nominees and their achievements."""

    to: str  # "Chủ tịch UBND tỉnh"
    campaign: str
    basis: tuple[str, ...]
    nominees: tuple[Nominee, ...]
    attachments: tuple[str, ...]
    via: str = ""  # the body that appraises on the way («Sở Nội vụ»)

    @property
    def counted(self) -> str:
        return _counted(self.nominees)


def proposal(p: Proposal, frame: Frame) -> Document:
    table = Table(("STT", "Tập thể, cá nhân", "Đơn vị", "Hình thức đề nghị", "Thành tích"),
                  tuple((i, n.name, n.unit, n.form, n.achievements) for i, n in enumerate(p.nominees, start=1)),
                  ("int", "text", "text", "text", "text"), title="Danh sách đề nghị khen thưởng")
    tables = {"de_nghi": table}
    return _compose("to_trinh", frame, {"k": p}, tables=tables)


@dataclass(frozen=True)
class Award:
    name: str
    unit: str
    form: str
    amount: int  # đồng
    collective: bool = False


@dataclass(frozen=True)
class AwardDecision:
    """Quyết định khen thưởng: who receives what, and the money, in figures and in words."""

    authority: str  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH THUẬN"
    basis: tuple[str, ...]
    reason: str
    awards: tuple[Award, ...]
    funding: str
    executors: str
    proposed_by: str = "Theo đề nghị của Hội đồng Thi đua - Khen thưởng."

    @property
    def total(self) -> int:
        return sum(a.amount for a in self.awards)

    @property
    def counted(self) -> str:
        return _counted(self.awards)


def award_decision(d: AwardDecision, frame: Frame) -> Document:
    table = Table(("STT", "Tập thể, cá nhân", "Đơn vị", "Hình thức", "Tiền thưởng (đồng)"),
                  tuple((i, a.name, a.unit, a.form, a.amount) for i, a in enumerate(d.awards, start=1)),
                  ("int", "text", "text", "text", "int"), title="Danh sách khen thưởng")
    tables = {"khen_thuong": table}
    return _compose("quyet_dinh", frame, {"k": d}, tables=tables)


@dataclass(frozen=True)
class EligibleRow:
    name: str
    unit: str
    rating: str
    eligible: str  # the titles reached, in the order of the law
    next_title: str  # the next title not reached
    why_not: str


@dataclass(frozen=True)
class EligibilityList:
    """Danh sách xét danh hiệu: for everyone, the titles reached and why the next one is not."""

    year: int
    scope: str
    titles: tuple[tuple[str, int], ...]  # (title, how many reach it)
    rows: tuple[EligibleRow, ...]
    reference: str
    note: str = ""  # why the list is for reference only (a set not in force in the year)


def eligibility_list(e: EligibilityList, frame: Frame) -> Document:
    table = Table(("STT", "Họ và tên", "Đơn vị", "Xếp loại", "Đủ điều kiện", "Danh hiệu kế tiếp", "Lý do chưa đạt"),
                  tuple((i, r.name, r.unit, r.rating, r.eligible, r.next_title, r.why_not)
                        for i, r in enumerate(e.rows, start=1)),
                  ("int", "text", "text", "text", "text", "text", "text"), title=f"Danh sách xét danh hiệu năm {e.year}")
    counts = Table(("Danh hiệu, hình thức", "Số người đủ điều kiện"), e.titles, ("text", "int"), title="Tổng hợp")
    tables = {"tong_hop": counts, "danh_sach": table}
    return _compose("danh_sach_xet_danh_hieu", frame, {"k": e}, tables=tables)


@dataclass(frozen=True)
class InterimReview:
    """Báo cáo sơ kết phong trào thi đua: where the launching unit stands on every criterion mid-way."""

    campaign: str
    period: str
    registered: int
    committed: int
    card: Scorecard


def interim_review(r: InterimReview, frame: Frame) -> Document:
    lines = Table(("Tiêu chí", "Nội dung thi đua", "Kết quả", "Mức", "Điểm", "Tối đa"),
                  tuple((x.criterion, x.title, x.value, x.step, x.points, x.maximum) for x in r.card.leaves),
                  ("text", "text", "dec", "text", "dec", "dec"), title=f"Kết quả các nội dung thi đua, {r.period}")
    return _compose("so_ket_thi_dua", frame, {"k": r}, tables={"noi_dung": lines})


# --- The ministry's roll-up of provinces ------------------------------------------------------------------------

@dataclass(frozen=True)
class ProvinceIndex:
    """One province's index from one published run: the mean of its units' rates (%), over ``units`` units."""

    value: float
    units: int
    version: int
    published: date
    rank: int = 0


@dataclass(frozen=True)
class ProvinceLine:
    key: str
    name: str
    index_766: ProvinceIndex | None  # None: no published run of the year
    index_par: ProvinceIndex | None


@dataclass(frozen=True)
class ProvinceRanking:
    """The ranking of the provinces of one installation on Decision 766 and on their own PAR index."""

    year: int
    title_766: str
    title_par: str
    aggregation: str  # how a province's index is made from its units' stored scores, in words
    provinces: tuple[ProvinceLine, ...]

    def ranked(self, which: str) -> tuple[ProvinceLine, ...]:
        """The provinces with a published ``which`` index ("766" or "par"), best first."""
        return tuple(sorted((p for p in self.provinces if getattr(p, f"index_{which}") is not None),
                            key=lambda p: (getattr(p, f"index_{which}").rank, p.name)))

    def missing(self, which: str) -> tuple[ProvinceLine, ...]:
        return tuple(p for p in self.provinces if getattr(p, f"index_{which}") is None)


def province_ranking(r: ProvinceRanking, frame: Frame) -> Document:
    def rows(which: str):
        out = [(i.rank, p.key, p.name, i.value, i.units, i.version, i.published)
               for p in r.ranked(which) for i in (getattr(p, f"index_{which}"),)]
        return tuple(out + [(None, p.key, p.name, None, None, None, None) for p in r.missing(which)])

    columns = ("Hạng", "Mã tỉnh", "Tỉnh", "Chỉ số", "Số đơn vị", "Phiên bản", "Ngày công bố")
    kinds = ("int", "text", "text", "pct", "int", "int", "date")
    tables = {"qd766": Table(columns, rows("766"), kinds, title=f"Xếp hạng các tỉnh theo {r.title_766} năm {r.year}"),
              "par": Table(columns, rows("par"), kinds, title=f"Xếp hạng các tỉnh theo {r.title_par} năm {r.year}")}
    figures = {which: charts.ranking([f"{p.name}" for p in r.ranked(which)],
                                     [getattr(p, f"index_{which}").value for p in r.ranked(which)], title)
               for which, title in (("766", f"Chỉ số theo {r.title_766} của các tỉnh năm {r.year} (%)"),
                                    ("par", f"{r.title_par} của các tỉnh năm {r.year} (%)"))
               if r.ranked(which)}
    return _compose("bang_xep_hang_tinh", frame, {"r": r}, tables=tables, figures=figures)
