"""A unit's self-assessment in a round: the form (criteria, stored and declared figures, explanations,
evidence, live points from the same engine and rule set as scoring), saving a draft, submitting (the
declared figures land as an ingestion batch of kind ``so_lieu``, like a file), withdrawing before the
deadline. A unit officer acts on their own unit only, whatever a request names."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from base.vn import number
from cycle import scoring
from office import audit, notifications
from office import evidence as files
from office.accounts import Actor, clean_text, require
from office.errors import Conflict, Forbidden, NotFound, Refused
from office.rounds import (as_id, deadline_for, get_round, now, open_demo_round, ruleset_of,  # noqa: F401 (re-export)
                           unit_kinds)
from rules.evaluate import evaluate
from rules.ruleset import Criterion, RuleSet
from store import indicators, models
from store.ingest import IngestError, ingest_tables
from store.ingest.columns import dot_before_three, dotted_thousands
from store.db import insert_missing
from store.queries import current_facts

STATES = {"nhap": "Nháp", "da_nop": "Đã nộp", "da_rut": "Đã rút để sửa", "can_bo_sung": "Cần bổ sung",
          "da_tham_dinh": "Đã thẩm định"}
# Inputs the store computes itself, never entered by a unit.
COMPUTED = {"so_vu_ky_luat": "tính từ hồ sơ kỷ luật cán bộ"}
SOURCE_WORDS = {"ho_so": "tính từ dữ liệu hồ sơ TTHC"}


def method_words(leaf: Criterion) -> str:
    """How a criterion is scored, in words."""
    p, top, unit = leaf.params, number(leaf.max, 2), leaf.unit or ""
    if leaf.method == "threshold":
        return f"Đạt {number(p.get('target'), 2)}{unit} trở lên: {top} điểm; chưa đạt: 0 điểm"
    if leaf.method == "proportional":
        return f"Tính theo tỷ lệ; đạt {number(p.get('target'), 2)}{unit} trở lên: {top} điểm"
    if leaf.method == "bands":
        steps = [f"từ {number(b['min'], 2)}{unit}: {number(b['points'], 2)}" if "min" in b else
                 f"còn lại: {number(b['points'], 2)}" for b in p.get("steps", [])]
        return "Theo mức: " + "; ".join(steps)
    if leaf.method == "boolean":
        return f"Có: {top} điểm; không: 0 điểm"
    if leaf.method == "manual":
        return f"Đơn vị tự chấm (tối đa {top} điểm), thẩm định viên xem xét"
    if leaf.method == "deduction":
        return f"Trừ {number(p.get('per'), 2)} điểm mỗi trường hợp, từ {top} điểm, thấp nhất {number(p.get('floor', 0), 2)}"
    return leaf.method or ""


LARGEST = 1e12  # no count, share or score a unit declares comes near this: beyond it is a typing slip
_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?|[0-9]+\.[0-9]+)")


def parse_number(text, field: str, label: str) -> float | None:
    """A figure as people type it: ``1234``, ``1.234``, ``1.234,5``, ``98,3`` (or ``98.3``); empty → no
    figure. Only ASCII digits: exponents (``1e308``), ``nan``, ``inf``, ``1_000``, other scripts' digits and
    values beyond a trillion are refused with the field's name."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text).strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if not raw:
            return None
        if len(raw) > 40 or not _NUMBER.fullmatch(raw):
            raise Refused(f"{label}: «{str(text)[:40]}» không phải là số (viết như 1.234 hoặc 98,5)", field)
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", raw):
            raw = raw.replace(".", "")
        value = float(raw)
    if math.isnan(value) or math.isinf(value):
        raise Refused(f"{label}: «{text}» không phải là số", field)
    if abs(value) > LARGEST:
        raise Refused(f"{label}: «{str(text)[:40]}» lớn bất thường (quá {number(LARGEST)})", field)
    return value + 0.0 if value else 0.0  # never a negative zero


# --- Who may act on which unit ---------------------------------------------------------------------------


def target_unit(s: Session, actor: Actor, unit: str | None) -> models.Unit:
    """The unit a request acts on. An officer's is always their own: naming another is refused."""
    if actor is None:
        raise Forbidden()
    if actor.role == "don_vi":
        if unit and unit != actor.unit_code:
            raise Forbidden("cán bộ đơn vị chỉ xem và sửa hồ sơ của đơn vị mình")
        code = actor.unit_code
    else:
        code = unit
        if not code:
            raise Refused("chưa chọn đơn vị", "unit")
        if not actor.sees_unit(code):
            raise Forbidden("đơn vị này không thuộc phạm vi được phân công")
    row = s.scalar(select(models.Unit).where(models.Unit.code == code))
    if row is None:
        raise NotFound(f"không có đơn vị «{code}»", "unit")
    return row


def _assessment(s: Session, rnd, unit: models.Unit, create: bool = False,
                lock: bool = False) -> models.SelfAssessment | None:
    """The unit's form of the round. ``lock``: the row taken for this transaction before it is read (an UPDATE that
    changes nothing: PostgreSQL's row lock, SQLite's write lock), so that steps on one form arriving at once — a
    withdrawal and a finalisation, two finalisations, points after a finalisation — follow one another, each
    seeing what the one before did. ``create`` with ``lock``: the row is made first when missing, so that two
    first steps at once (a first draft and a submission) wait for one another too and never both insert it."""
    if lock:
        S = models.SelfAssessment
        if create:
            insert_missing(s, S, round_id=rnd.id, unit_id=unit.id, state="nhap", submissions=0)
        s.execute(update(S).where(S.round_id == rnd.id, S.unit_id == unit.id).values(state=S.state))
    row = s.scalar(select(models.SelfAssessment).where(models.SelfAssessment.round_id == rnd.id,
                                                       models.SelfAssessment.unit_id == unit.id))
    if row is None and create:
        row = models.SelfAssessment(round_id=rnd.id, unit_id=unit.id, state="nhap", submissions=0)
        s.add(row)
        s.flush()
    return row


def _draft(s: Session, sa: models.SelfAssessment | None) -> tuple[dict[str, float | None], dict[str, str]]:
    """The form's draft as saved: its figures and its explanations."""
    if sa is None:
        return {}, {}
    return (dict(s.execute(select(models.DraftFigure.indicator_code, models.DraftFigure.value)
                           .where(models.DraftFigure.assessment_id == sa.id)).all()),
            dict(s.execute(select(models.DraftNote.criterion, models.DraftNote.explanation)
                           .where(models.DraftNote.assessment_id == sa.id)).all()))


def _applies(rules: RuleSet, unit: models.Unit) -> None:
    if unit.kind not in unit_kinds(rules):
        raise Refused(f"đợt này chấm bộ tiêu chí «{rules.title}», không áp dụng cho {unit.name}", "round")


def declared_inputs(rules: RuleSet) -> list[str]:
    """The inputs of a rule set a unit declares (the others come from dossiers or staff records)."""
    registry = indicators.registry()
    return [n for n in rules.inputs if n in registry and registry[n].source == "nhap" and n not in COMPUTED]


def _leaf_inputs(leaf: Criterion, rules: RuleSet) -> list[str]:
    return [n for n in sorted(leaf.value.names) if n in rules.inputs] if leaf.value is not None else []


def _open_for_unit(s: Session, rnd, unit: models.Unit, state: str | None, when: datetime) -> None:
    """A unit edits its form while the round is open, before its deadline, and its form is not submitted."""
    if rnd.state != "mo":
        raise Refused("đợt tự đánh giá đã khóa", "round")
    if when > deadline_for(s, rnd, unit.id):
        raise Refused("đã quá hạn nộp tự đánh giá của đợt", "deadline")
    if state not in (None, "nhap", "da_rut"):
        raise Refused(f"hồ sơ đang ở trạng thái «{STATES[state]}»: rút hồ sơ trước khi sửa", "state")


# --- The form --------------------------------------------------------------------------------------------


@dataclass
class Figure:
    code: str
    label: str
    unit: str
    value: float | None
    editable: bool
    source: str  # where a stored figure comes from
    stored: float | None = None


@dataclass
class Row:
    leaf: Criterion
    method: str
    figures: list[Figure]
    explanation: str
    points: float | None
    sentence: str
    appraised: tuple[float, str] | None = None  # appraised points and reason
    files: list = field(default_factory=list)
    feedback: list = field(default_factory=list)


@dataclass
class Form:
    round: models.AssessmentRound
    rules: RuleSet
    unit: models.Unit
    state: str
    deadline: datetime
    editable: bool
    rows: list[Row]
    total: float
    maximum: float
    saved_at: datetime | None = None
    submitted_at: datetime | None = None
    asked: tuple[str, ...] = ()  # criteria with an open feedback request: evidence may still be added there
    draft: tuple[dict, dict] = ({}, {})  # the draft as read (figures, explanations)

    @property
    def state_text(self) -> str:
        return STATES[self.state]


def _stored(s: Session, period: str, unit: models.Unit) -> tuple[dict[str, float], dict[str, str]]:
    facts = current_facts(s, [period], [unit.id])
    names = dict(s.execute(select(models.IngestBatch.id, models.IngestBatch.file_name)
                           .where(models.IngestBatch.id.in_([int(b) for b in facts["batch_id"].unique()]))).all())
    values = dict(zip(facts["indicator"], facts["value"].astype(float)))
    sources = {i: f"tệp «{names.get(int(b), '?')}»" for i, b in zip(facts["indicator"], facts["batch_id"])}
    return values, sources


def live(engine: Engine, rules: RuleSet, period: str, unit: str, figures: dict[str, float | None]):
    """Points of one unit as the scoring would give them, its stored inputs with these figures in place."""
    frame = scoring.scoring_frame(engine, rules, period, [unit])
    if unit not in frame.index:
        return None
    for name, value in figures.items():
        if name in frame.columns:
            frame.loc[unit, name] = np.nan if value is None else float(value)
    with Session(engine) as s:
        adjusted = scoring.adjustments(s, rules.id, period, [unit])
    return evaluate(scoring.dated(rules, period), frame, adjusted)


def form(engine: Engine, actor: Actor, round_id, unit: str | None = None,
         figures: dict[str, float | None] | None = None) -> Form:
    """The self-assessment form of one unit (the actor's own for an officer); ``figures`` overrides the draft
    for a live preview."""
    with Session(engine, expire_on_commit=False) as s:
        rnd = get_round(s, round_id)
        row_unit = target_unit(s, actor, unit)
        rules = ruleset_of(rnd)
        _applies(rules, row_unit)
        sa = _assessment(s, rnd, row_unit)
        draft, notes = _draft(s, sa)
        stored, sources = _stored(s, rnd.period_code, row_unit)
        uploads = list(s.scalars(select(models.EvidenceFile).where(
            models.EvidenceFile.round_id == rnd.id, models.EvidenceFile.unit_id == row_unit.id,
            models.EvidenceFile.removed.is_(False)).order_by(models.EvidenceFile.id)))
        asked = list(s.scalars(select(models.FeedbackRequest).where(
            models.FeedbackRequest.round_id == rnd.id, models.FeedbackRequest.unit_id == row_unit.id)
            .order_by(models.FeedbackRequest.id)))
        deadline = deadline_for(s, rnd, row_unit.id)
        state = sa.state if sa else "nhap"
        editable = actor.role == "don_vi" and rnd.state == "mo" and now() <= deadline and state in ("nhap", "da_rut")
        adjusted = scoring.adjustments(s, rules.id, rnd.period_code, [row_unit.code])
    registry = indicators.registry()
    declared = set(declared_inputs(rules))
    values = {n: draft.get(n, stored.get(n)) for n in declared}
    values.update(figures or {})
    result = live(engine, rules, rnd.period_code, row_unit.code, values)
    explained = {e.criterion: e for e in result.explain(row_unit.code)} if result is not None else {}
    appraised = {r.criterion: (r.points, r.reason) for r in adjusted.itertuples()}
    rows = []
    for leaf in rules.leaves:
        shown = []
        for name in _leaf_inputs(leaf, rules):
            ind = registry.get(name)
            label = ind.label if ind else rules.label_of(name)
            if name in declared:
                src = sources.get(name, "chưa có") if name not in draft else "đơn vị khai trong đợt này"
                shown.append(Figure(name, label, ind.unit if ind else "", values.get(name), editable, src,
                                    stored.get(name)))
            else:
                src = COMPUTED.get(name) or SOURCE_WORDS.get(ind.source if ind else "", "dữ liệu hệ thống")
                value = result.env[name][0] if result is not None and name in result.env else stored.get(name)
                shown.append(Figure(name, label, ind.unit if ind else "", _num(value), False, src))
        e = explained.get(leaf.id)
        rows.append(Row(leaf, method_words(leaf), shown, notes.get(leaf.id, ""), None if e is None else _num(e.points),
                        "" if e is None else e.sentence, appraised.get(leaf.id),
                        [f for f in uploads if f.criterion == leaf.id], [f for f in asked if f.criterion == leaf.id]))
    total = float(np.nansum(result.total)) if result is not None else 0.0
    top = float(result.maximum[0]) if result is not None else rules.max
    when = now()
    open_asks = tuple(dict.fromkeys(q.criterion for q in asked if q.closed_at is None and q.deadline >= when))
    return Form(rnd, rules, row_unit, state, deadline, editable, rows, total, top,
                sa.saved_at if sa else None, sa.submitted_at if sa else None,
                open_asks if actor.role == "don_vi" and rnd.state != "cong_bo" else (), (draft, notes))


def _num(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


# --- Saving, submitting, withdrawing ----------------------------------------------------------------------


def check_figures(s: Session, rules: RuleSet, unit: models.Unit, period: str,
                  raw: dict[str, str]) -> dict[str, float | None]:
    """The figures of a form, parsed and checked as ingestion checks a file (field named in every message)."""
    registry = indicators.registry()
    declared = set(declared_inputs(rules))
    manual_max = {n: leaf.max for leaf in rules.leaves if leaf.method == "manual" for n in _leaf_inputs(leaf, rules)}
    parsed = {}
    for code, text in raw.items():
        if code not in registry or code not in rules.inputs:
            raise Refused(f"chỉ tiêu «{code}» không thuộc bộ tiêu chí của đợt", code)
        ind = registry[code]
        if code not in declared:
            raise Refused(f"{ind.label}: số liệu này {COMPUTED.get(code) or SOURCE_WORDS.get(ind.source, '')}, "
                          f"không nhập tay", code)
        value = check_figure(ind, text, code)
        if value is not None and code in manual_max and value > manual_max[code]:
            raise Refused(f"{ind.label}: «{number(value, 2)}» vượt quá điểm tối đa {number(manual_max[code], 2)}",
                          code)
        parsed[code] = value
    stored, _ = _stored(s, period, unit)
    check_parts(parsed, stored)
    return parsed


def check_figure(ind: indicators.Indicator, text, field: str) -> float | None:
    """One typed figure of an indicator (``parse_number``): never negative, a whole number for a count, at most
    100 for a percentage, which may be typed with its sign («85,5%»); the field named in the refusal."""
    if isinstance(text, str) and text.strip().endswith("%"):
        if ind.unit != "%":
            raise Refused(f"{ind.label} tính bằng {ind.unit}, không tính bằng phần trăm: «{text.strip()[:40]}» không "
                          "phải giá trị của chỉ tiêu này", field)
        text = text.strip()[:-1]
    if not ind.integral and isinstance(text, str) and dotted_thousands(text.strip()):
        raise Refused(f"{ind.label}: {dot_before_three(text.strip())}", field)  # 65 234, or 65.234 in English
    value = parse_number(text, field, ind.label)
    if value is not None:
        if value < 0:
            raise Refused(f"{ind.label}: giá trị âm «{number(value, 2)}» không hợp lệ", field)
        if ind.integral and value != math.floor(value):
            raise Refused(f"{ind.label}: «{number(value, 2)}» phải là số nguyên", field)
        if (why := ind.beyond(value)) is not None:
            raise Refused(f"{ind.label}: {why}", field)
    return value


def check_parts(parsed: dict[str, float | None], stored: dict[str, float]) -> None:
    """A part may not exceed its whole (``whole`` in indicators.yaml), among the typed figures and against those
    the store has; the typed figure is named in the refusal."""
    registry = indicators.registry()
    merged = {**stored, **parsed}
    for code, value in parsed.items():
        whole = registry[code].whole
        if value is not None and whole and merged.get(whole) is not None and value > merged[whole]:
            where = "" if whole in parsed else " (giá trị đang có trong hệ thống)"
            raise Refused(f"{registry[code].label} ({number(value, 2)}) lớn hơn {registry[whole].label} "
                          f"({number(merged[whole], 2)}{where})", code)
    for code, value in parsed.items():  # a whole lowered under a part already there
        for part, ind in registry.items():
            if ind.whole == code and value is not None and merged.get(part) is not None and merged[part] > value:
                raise Refused(f"{registry[code].label} ({number(value, 2)}) nhỏ hơn {ind.label} "
                              f"({number(merged[part], 2)})", code)


def save_draft(engine: Engine, actor: Actor, round_id, figures: dict[str, str],
               explanations: dict[str, str] | None = None, when: datetime | None = None) -> None:
    """Keep the unit's figures and explanations as a draft (checked; nothing is written when one is wrong)."""
    require(actor, "don_vi")
    when = when or now()
    explanations = dict(explanations or {})
    with Session(engine) as s, s.begin():
        rnd = get_round(s, round_id)
        unit = target_unit(s, actor, None)
        rules = ruleset_of(rnd)
        _applies(rules, unit)
        # taken as submit takes it: a draft saved while the form is being submitted waits, then finds it submitted
        # (made here when it is the first draft: rolled back with the draft when this one is refused)
        sa = _assessment(s, rnd, unit, create=True, lock=True)
        if sa is not None and sa.state not in ("nhap", "da_rut"):
            raise Conflict(f"hồ sơ đã ở trạng thái «{STATES[sa.state]}» nên bản nháp không được lưu: tải lại trang; "
                           "muốn sửa thì rút hồ sơ trước", "state")
        _open_for_unit(s, rnd, unit, sa.state if sa else None, when)
        parsed = check_figures(s, rules, unit, rnd.period_code, figures)
        leaves = {leaf.id for leaf in rules.leaves}
        for criterion, text in explanations.items():
            if criterion not in leaves:
                raise Refused(f"tiêu chí «{criterion}» không có trong bộ tiêu chí của đợt", f"giai_trinh_{criterion}")
            explanations[criterion] = clean_text(text, f"giai_trinh_{criterion}", f"tiêu chí {criterion}: giải trình",
                                                 10_000)
        sa = sa or _assessment(s, rnd, unit, create=True)
        have = {d.indicator_code: d for d in s.scalars(select(models.DraftFigure)
                                                         .where(models.DraftFigure.assessment_id == sa.id))}
        notes = {d.criterion: d for d in s.scalars(select(models.DraftNote).where(models.DraftNote.assessment_id == sa.id))}
        before, after = {}, {}
        audit.set_drafts(s, have, parsed, "value", lambda code, value: models.DraftFigure(
            assessment_id=sa.id, indicator_code=code, value=value), before, after)
        for criterion, text in explanations.items():
            text = (text or "").strip()
            old = notes.get(criterion)
            if (old.explanation if old else "") != text:
                before[f"giai_trinh_{criterion}"], after[f"giai_trinh_{criterion}"] = (old.explanation if old else ""), text
                if old is None:
                    s.add(models.DraftNote(assessment_id=sa.id, criterion=criterion, explanation=text))
                else:
                    old.explanation = text
        sa.saved_at = when
        audit.record(s, actor, "luu_nhap", f"đợt {rnd.id}, đơn vị {unit.code}", before, after)


def _typed(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")


def _submission_table(form_: Form) -> pd.DataFrame:
    """The declared figures as a facts table (the columns of the so_lieu template), with the evidence files
    and explanations of the criteria that read each figure."""
    by_input: dict[str, dict] = {}
    declared = set(declared_inputs(form_.rules))
    for row in form_.rows:
        for fig in row.figures:
            if fig.code not in declared:
                continue
            entry = by_input.setdefault(fig.code, {"value": fig.value, "files": [], "notes": []})
            entry["files"] += [f"{f.original_name} (sha256 {f.sha256[:12]})" for f in row.files]
            if row.explanation:
                entry["notes"].append(f"{row.leaf.id}: {row.explanation}")
    # The figures as a person would type them into the file (1234, 98,3): a dot would be read as thousands.
    rows = [[form_.unit.code, form_.round.period_code, code, _typed(float(v["value"])),
             "; ".join(dict.fromkeys(v["files"])), " | ".join(dict.fromkeys(v["notes"]))]
            for code, v in sorted(by_input.items()) if v["value"] is not None]
    return pd.DataFrame(rows, columns=["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Tài liệu kiểm chứng",
                                       "Ghi chú"])


def submit(engine: Engine, actor: Actor, round_id, when: datetime | None = None) -> int:
    """Submit the form: its declared figures land in the store as one ingestion batch (checked whole, as a
    file is), and the form is locked for the unit. Returns the batch id."""
    require(actor, "don_vi")
    when = when or now()
    with Session(engine) as s:
        rnd = get_round(s, round_id)
        unit = target_unit(s, actor, None)
        sa = _assessment(s, rnd, unit)
        _applies(ruleset_of(rnd), unit)
        _open_for_unit(s, rnd, unit, sa.state if sa else None, when)
        count = (sa.submissions if sa else 0) + 1
    current = form(engine, actor, round_id)
    table = _submission_table(current)
    if table.empty:
        raise Refused("chưa có số liệu nào để nộp", "figures")
    name = f"tu-danh-gia-dot-{current.round.id}-{unit.code}-lan-{count}.csv"

    def landed(s: Session, batch_id: int) -> None:
        """Inside the batch's transaction: the form is submitted with its figures, or neither is written. The form
        is taken and read again there: what was read before the figures were checked may have changed since (a
        «Nộp» sent twice at once, a finalisation, the round locked), and had been written over."""
        rnd = get_round(s, round_id)
        sa = _assessment(s, rnd, unit, create=True, lock=True)
        _open_for_unit(s, rnd, unit, sa.state, when)
        if sa.submissions != count - 1:
            raise Refused("hồ sơ vừa được nộp từ nơi khác: hãy tải lại trang", "state")
        if _draft(s, sa) != current.draft:  # saved again after the figures were read: they are not its figures
            raise Conflict("bản nháp vừa được lưu lại trong lúc nộp: hãy tải lại trang, xem lại số liệu rồi nộp lại",
                           "state")
        before = sa.state
        sa.state, sa.submitted_at, sa.submissions, sa.batch_id = "da_nop", when, count, batch_id
        audit.record(s, actor, "nop", f"đợt {rnd.id}, đơn vị {unit.code}", {"state": before},
                     {"state": "da_nop", "batch_id": batch_id, "rows": len(table)})
        notifications.notify_role(s, "quan_tri", "nop", f"{unit.name} đã nộp tự đánh giá",
                                  f"Đợt «{rnd.title}», lần nộp thứ {count}.", f"/tham-dinh/{rnd.id}/{unit.code}")

    try:
        result = ingest_tables(engine, {"so_lieu": table}, name, "so_lieu", actor.username, on_landed=landed)
    except IngestError as err:
        raise Refused("số liệu không hợp lệ: " + "; ".join(p.message for p in err.problems), "figures") from None
    return result.batch_id


def withdraw(engine: Engine, actor: Actor, round_id, when: datetime | None = None) -> None:
    """Take a submitted form back to correct it, before the deadline. Its figures stay in the store's
    history; the next submission is a new batch that supersedes them."""
    require(actor, "don_vi")
    when = when or now()
    with Session(engine) as s, s.begin():
        rnd = get_round(s, round_id)
        unit = target_unit(s, actor, None)
        sa = _assessment(s, rnd, unit, lock=True)
        if sa is None or sa.state != "da_nop":
            raise Refused("chỉ rút được hồ sơ đã nộp và chưa thẩm định", "state")
        _open_for_unit(s, rnd, unit, None, when)
        sa.state, sa.withdrawn_at = "da_rut", when
        audit.record(s, actor, "rut", f"đợt {rnd.id}, đơn vị {unit.code}", {"state": "da_nop"}, {"state": "da_rut"})


# --- Evidence files ----------------------------------------------------------------------------------------


def upload(engine: Engine, actor: Actor, round_id, criterion: str, name: str, data: bytes,
           root=None, limit: int = files.MAX_BYTES, when: datetime | None = None) -> int:
    """An evidence file for one criterion of the officer's unit: while the form is editable, or while a
    feedback request on that criterion is open."""
    require(actor, "don_vi")
    when = when or now()
    with Session(engine) as s:
        rnd = get_round(s, round_id)
        unit = target_unit(s, actor, None)
        rules = ruleset_of(rnd)
        if criterion not in {leaf.id for leaf in rules.leaves}:
            raise Refused(f"tiêu chí «{criterion}» không có trong bộ tiêu chí của đợt", "criterion")
        sa = _assessment(s, rnd, unit)
        if not _feedback_open(s, rnd, unit, criterion, when):
            _open_for_unit(s, rnd, unit, sa.state if sa else None, when)
    try:
        stored = files.check(name, data, limit)
    except files.BadFile as err:
        raise Refused(str(err), "file") from None
    with Session(engine) as s, s.begin():
        # looked at again with the form taken, as a submission takes it: a file checked while the form was being
        # submitted had been added to the submitted form
        rnd, unit = get_round(s, round_id), target_unit(s, actor, None)
        sa = _assessment(s, rnd, unit, lock=True)
        if not _feedback_open(s, rnd, unit, criterion, when):
            try:
                _open_for_unit(s, rnd, unit, sa.state if sa else None, when)
            except Refused as err:
                raise Conflict(err.message, err.field) from None
        files.put(data, stored, root)
        row = models.EvidenceFile(sha256=stored.sha256, original_name=stored.name, content_type=stored.kind,
                                  size=stored.size, round_id=rnd.id, unit_id=unit.id, criterion=criterion,
                                  uploaded_by=actor.username, uploaded_at=when, removed=False)
        s.add(row)
        s.flush()
        audit.record(s, actor, "tai_len", f"đợt {rnd.id}, đơn vị {unit.code}, tiêu chí {criterion}", None,
                     {"file": stored.name, "sha256": stored.sha256, "size": stored.size, "type": stored.kind})
        return row.id


def _feedback_open(s: Session, rnd, unit: models.Unit, criterion: str, when: datetime) -> bool:
    F = models.FeedbackRequest
    return bool(s.scalar(select(F.id).where(F.round_id == rnd.id, F.unit_id == unit.id, F.criterion == criterion,
                                            F.closed_at.is_(None), F.deadline >= when)))


def evidence_file(engine: Engine, actor: Actor, file_id, root=None) -> tuple[models.EvidenceFile, str]:
    """A file to download, with its path: the unit's own officers, the appraisers of that unit and the office
    only."""
    if actor is None or actor.role not in ("don_vi", "tham_dinh", "quan_tri"):
        raise Forbidden("tài liệu kiểm chứng chỉ dành cho đơn vị, thẩm định viên và văn phòng")
    with Session(engine, expire_on_commit=False) as s:
        number = as_id(file_id)
        row = s.get(models.EvidenceFile, number) if number is not None else None
        if row is None or row.removed:
            raise NotFound("không có tệp này", "file")
        code = s.scalar(select(models.Unit.code).where(models.Unit.id == row.unit_id))
    if not actor.sees_unit(code):
        raise Forbidden("tệp này thuộc đơn vị khác")
    return row, str(files.path_of(row.sha256, root))
