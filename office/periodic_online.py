"""Periodic CCHC reports filled in the portal. For each reported period of the calendar (Q1, 6 months, Q3, year:
CV 581), a unit officer fills its unit's report: the report's figures the store does not have yet (those it has
are shown read-only with their source), and the text of each section of the Ministry's form, prefilled with what
the store knows (this period's text, else the last period's as a starting point, marked as such); saves a draft,
submits — late after the due date, never refused for it — and may withdraw before the office consolidates (17:00
on the due day, ``office.year``) to correct. A submission lands through ingestion as ONE batch: the figures
(``so_lieu``), the sections (``bao_cao_noi_dung``) and the report's line in the register of reports received
(``bao_cao``, with the real day and a document number), so the register, the consolidated report and the scores
read it as they read the spreadsheets. The office sees, per period, who reported on time, late by how many days,
or not at all, with each report, and exports the register.

Who may do what is checked here: an officer acts on their own unit only, whatever a request names; the office
reads every unit's report and the register; every write is audited; nothing is written on a refusal."""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from base.vn import day, number
from cycle.reporting import LATE, MISSING, NOT_DUE, ON_TIME, REPORTING_KINDS, submissions, withdrawn_batches
from office import audit, notifications
from office.accounts import Actor, clean_text, require
from office.assessment import SOURCE_WORDS, check_figure, check_parts, target_unit
from office.dashboard import KIND_NAMES
from office.errors import Conflict, NotFound, Refused
from office.periodic import EXCLUDED, REPORT_COUNTS, REPORT_RATES
from office.rounds import now
from office.year import BY_NAME
from store import calendar, indicators, models
from store.db import ensure_periods, insert_missing
from store.ingest import IngestError, ingest_tables
from store.ingest.narratives import MAX_TEXT, SECTIONS
from store.queries import current_facts

STATES = {"chua_lap": "Chưa lập", "nhap": "Nháp", "da_nop": "Đã nộp", "da_rut": "Đã rút để sửa"}
BATCH_KIND = "bao_cao_truc_tuyen"  # the ingestion batch of a report submitted in the portal
# The office consolidates the period's reports at this hour of the due day (the year's step): until then a unit
# may take its report back to correct it.
DUE_HOUR = BY_NAME["periodic_report"].hour
# The report's figures: the counts and the parts and wholes of the rates of the periodic report.
FIGURES = tuple(dict.fromkeys([*REPORT_COUNTS, *(c for _, num, den in REPORT_RATES for c in (num, den)),
                               *EXCLUDED.values()]))
DOCUMENT_NO = re.compile(r"[^\W_][\w/.\-() ]*")  # 45/BC-SKHCN; never a formula (=, +, -, @) in the register's XLSX
VIA_PORTAL, VIA_REGISTER = "Cổng CCHC", "Sổ theo dõi"


# --- Periods ----------------------------------------------------------------------------------------------


def reporting_periods(engine: Engine, today: date | None = None) -> list[calendar.Period]:
    """The periods reported online: those a unit reports to the Ministry (Q1, 6 months, Q3, year), the one due
    next and those due before it — of the current reporting year and the one before, and of every year the store
    holds figures for; the latest due date first. A period opens once the one before it is due."""
    upcoming = calendar.next_due(today or date.today())
    with Session(engine) as s:
        years = set(s.scalars(select(models.Period.year).distinct()))
    years = {y for y in years | {upcoming.year, upcoming.year - 1} if y <= upcoming.year}
    found = [p for y in years for p in calendar.periods_of(y)
             if p.kind.code in calendar.REPORTED and p.due <= upcoming.due]
    return sorted(found, key=lambda p: p.due, reverse=True)


def get_period(engine: Engine, text, today: date | None = None) -> calendar.Period:
    """The period a request names (``2024-Q1``, ``Quý I/2024``…), among those reported online; anything else is
    «not found»."""
    try:
        period = calendar.parse_period(str(text or "")[:40])
    except ValueError:
        raise NotFound(f"không có kỳ báo cáo «{str(text)[:40]}»", "period") from None
    if period not in reporting_periods(engine, today):
        raise NotFound(f"kỳ «{period.label}» không mở báo cáo định kỳ trên cổng", "period")
    return period


def deadline(period: calendar.Period) -> datetime:
    """The due day at the hour the office consolidates: the last moment a submitted report can be withdrawn."""
    return datetime.combine(period.due, time(DUE_HOUR))


def days_late(period: calendar.Period, on: date) -> int:
    """Days after the due date, as the register counts them (0: on time)."""
    return max(0, (on - period.due).days)


# --- Who and what -----------------------------------------------------------------------------------------


def _unit(s: Session, actor: Actor, unit: str | None) -> models.Unit:
    """The unit a request acts on: an officer's own (naming another is refused), any for the office; a unit that
    does not report to the province has no periodic report."""
    require(actor, "don_vi", "quan_tri")
    row = target_unit(s, actor, unit)
    if row.kind not in REPORTING_KINDS:
        raise Refused(f"{row.name} không thuộc diện gửi báo cáo CCHC định kỳ cho tỉnh (chỉ sở, ban, ngành và UBND "
                      "xã, phường)", "unit")
    return row


def _report(s: Session, unit: models.Unit, period: calendar.Period,
            lock: bool = False, create: bool = False) -> models.PeriodicReport | None:
    """The unit's report of the period. ``lock``: its row taken for this transaction before it is read (an UPDATE
    that changes nothing: PostgreSQL's row lock, SQLite's write lock), so that a draft saved while the report is
    being submitted waits for the submission and then finds it submitted. ``create``: made first when missing (its
    period's rows too), so that two first drafts at once wait for one another and never both insert it."""
    R = models.PeriodicReport
    if create:
        ensure_periods(s, {period.year})
        insert_missing(s, R, unit_id=unit.id, period_code=period.code, state="nhap", document_no="", saved_by="",
                       submissions=0)
    if lock:
        s.execute(update(R).where(R.unit_id == unit.id, R.period_code == period.code).values(state=R.state))
    return s.scalar(select(R).where(R.unit_id == unit.id, R.period_code == period.code))


def _draft_values(s: Session, report: models.PeriodicReport | None) -> tuple[dict, dict]:
    """The draft as values (figures, texts), to tell whether it was saved again."""
    figures, texts = _drafts(s, report)
    return {c: f.value for c, f in figures.items()}, {c: t.text for c, t in texts.items()}


def _sendings(s: Session, report: models.PeriodicReport | None) -> list[models.PeriodicReportSending]:
    if report is None:
        return []
    W = models.PeriodicReportSending
    return list(s.scalars(select(W).where(W.report_id == report.id).order_by(W.id)))


def _drafts(s: Session, report: models.PeriodicReport | None) -> tuple[dict, dict]:
    """The figures and section texts the unit saved: code → row."""
    if report is None:
        return {}, {}
    F, T = models.PeriodicReportFigure, models.PeriodicReportText
    figures = {f.indicator_code: f for f in s.scalars(select(F).where(F.report_id == report.id))}
    texts = {t.section: t for t in s.scalars(select(T).where(T.report_id == report.id))}
    return figures, texts


def _stored(s: Session, unit: models.Unit, period: calendar.Period, own: set[int]) -> dict[str, tuple[float, str]]:
    """The figures the store already has for the unit and period, with their source: code → (value, source).
    Figures the unit's own submissions brought are not «already there»: they stay the unit's to correct."""
    facts = current_facts(s, [period.code], [unit.id])
    facts = facts[~facts["batch_id"].isin(own)]
    batches = [int(b) for b in facts["batch_id"].unique()]
    names = dict(s.execute(select(models.IngestBatch.id, models.IngestBatch.file_name)
                           .where(models.IngestBatch.id.in_(batches))).all()) if batches else {}
    registry = indicators.registry()
    return {code: (float(value), SOURCE_WORDS.get(registry[code].source) or f"tệp «{names.get(int(batch), '?')}»")
            for code, value, batch in zip(facts["indicator"], facts["value"], facts["batch_id"])}


# --- The report -------------------------------------------------------------------------------------------


@dataclass
class Figure:
    code: str
    label: str
    unit: str
    value: float | None
    editable: bool  # the unit enters it (the store does not have it, and it is not computed from dossiers)
    source: str


@dataclass
class Section:
    code: str
    title: str
    text: str
    origin: str  # "" nothing, "nhap" the unit's own, "ky_nay" already in the store for this period, "ky_truoc"
    # the last report's text as a starting point, "giong_ky_truoc" the unit's own still word for word the last's
    note: str  # where the text comes from, in words


@dataclass
class Report:
    period: calendar.Period
    unit: models.Unit
    state: str
    editable: bool
    can_withdraw: bool
    deadline: datetime
    figures: list[Figure]
    sections: list[Section]
    document_no: str
    saved_at: datetime | None
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    sendings: list[models.PeriodicReportSending]
    received: dict | None  # the register's line: submitted_on, document_no, days_late, state, via
    late_if_now: int  # days late if it were submitted now

    @property
    def state_text(self) -> str:
        return STATES[self.state]


def _said(s: Session, unit: models.Unit) -> dict[tuple[str, str], tuple[str, str]]:
    """(period, section) → (text, file) of what the unit said, its latest batch's text (withdrawn ones left out)."""
    N, B = models.ReportNarrative, models.IngestBatch
    rows = s.execute(select(N.period_code, N.section, N.text, B.file_name).join(B, B.id == N.batch_id)
                     .where(N.unit_id == unit.id, N.batch_id.not_in(withdrawn_batches()))
                     .order_by(N.batch_id, N.id)).all()
    return {(period, section): (text, name) for period, section, text, name in rows}


def _sections(s: Session, unit: models.Unit, period: calendar.Period, drafts: dict, editable: bool) -> list[Section]:
    """Each section of the form with its text: the unit's draft, else what the store has for this period, else —
    in a form being filled — what the unit said in its last report before (the latest earlier period it said
    anything in) as a starting point. A text still word for word the last report's stays marked as such."""
    said = _said(s, unit)
    earlier = [calendar.parse_period(p) for p, _ in said if p != period.code]
    last = max((p for p in earlier if p.due < period.due), key=lambda p: (p.due, p.start), default=None)
    out = []
    for code, title in SECTIONS.items():
        previous = said.get((last.code, code), ("", ""))[0] if last is not None else ""
        if code in drafts and drafts[code].text and drafts[code].text == previous:
            out.append(Section(code, title, previous, "giong_ky_truoc",
                               f"giống hệt nội dung báo cáo {last.in_sentence}, chưa cập nhật cho kỳ này"))
        elif code in drafts:
            out.append(Section(code, title, drafts[code].text, "nhap", ""))
        elif (period.code, code) in said:
            text, name = said[(period.code, code)]
            out.append(Section(code, title, text, "ky_nay", f"đã có trong hệ thống cho kỳ này (tệp «{name}»)"))
        elif editable and previous:
            out.append(Section(code, title, previous, "ky_truoc",
                               f"nội dung của báo cáo {last.in_sentence}, điền sẵn làm gợi ý: hãy cập nhật cho kỳ này"))
        else:
            out.append(Section(code, title, "", "", ""))
    return out


def _received(engine: Engine, period: calendar.Period, unit: models.Unit, today: date,
              portal: set[int]) -> dict | None:
    """The unit's line of the period's register: when its report was received, under which number, late by how
    many days, and whether it came through the portal."""
    frame = submissions(engine, period.code, today)
    line = frame[frame["unit"] == unit.code]
    if line.empty:
        return None
    r = line.iloc[0]
    on = pd.Timestamp(r["submitted_on"]).date() if pd.notna(r["submitted_on"]) else None
    return {"submitted_on": on, "document_no": r["document_no"], "state": r["state"],
            "days_late": int(r["days_late"]) if pd.notna(r["days_late"]) else None,
            "via": "" if on is None else VIA_PORTAL if int(r["batch_id"]) in portal else VIA_REGISTER}


def report(engine: Engine, actor: Actor, period, unit: str | None = None, when: datetime | None = None) -> Report:
    """One unit's report of one period (the officer's own; any unit's for the office), as a form to fill while it
    is a draft or withdrawn, else to read."""
    when = when or now()
    with Session(engine, expire_on_commit=False) as s:
        p = get_period(engine, period, when.date())
        row_unit = _unit(s, actor, unit)
        rep = _report(s, row_unit, p)
        sendings = _sendings(s, rep)
        own = {w.batch_id for w in sendings}
        figures_drafted, texts_drafted = _drafts(s, rep)
        stored = _stored(s, row_unit, p, own)
        state = rep.state if rep else "chua_lap"
        editable = actor.role == "don_vi" and state in ("chua_lap", "nhap", "da_rut")
        sections = _sections(s, row_unit, p, texts_drafted, editable)
    registry = indicators.registry()
    figures = []
    for code in FIGURES:
        ind = registry[code]
        if code in stored:
            figures.append(Figure(code, ind.label, ind.unit, stored[code][0], False, stored[code][1]))
        elif ind.source != "nhap":
            figures.append(Figure(code, ind.label, ind.unit, None, False,
                                  f"chưa có số liệu ({SOURCE_WORDS.get(ind.source, 'dữ liệu hệ thống')})"))
        else:
            drafted = figures_drafted.get(code)
            value = drafted.value if drafted is not None else None
            source = ("đơn vị nhập trong báo cáo này" if value is not None
                      else "chưa có, đơn vị nhập" if editable else "chưa có số liệu")
            figures.append(Figure(code, ind.label, ind.unit, value, True, source))
    figures.sort(key=lambda f: not f.editable)  # what the unit enters first, then what the store has
    return Report(p, row_unit, state, editable,
                  actor.role == "don_vi" and state == "da_nop" and when <= deadline(p), deadline(p), figures,
                  sections, rep.document_no if rep else "", rep.saved_at if rep else None,
                  rep.submitted_at if rep else None, rep.withdrawn_at if rep else None, sendings,
                  _received(engine, p, row_unit, when.date(), own), days_late(p, when.date()))


# --- Saving, submitting, withdrawing ----------------------------------------------------------------------


def _document_no(text) -> str:
    value = clean_text(text, "so_hieu", "Số hiệu văn bản", 100)
    if value and not DOCUMENT_NO.fullmatch(value):
        raise Refused(f"Số hiệu văn bản «{value}»: chỉ gồm chữ, số, dấu cách và / . - ( ), bắt đầu bằng chữ hoặc số "
                      "(vd. 45/BC-SKHCN)", "so_hieu")
    return value


def _cell(value: float) -> str:
    """A figure as a spreadsheet's cell holds it, read back exactly: 118, 98,25."""
    return str(int(value)) if float(value).is_integer() else repr(float(value)).replace(".", ",")


def save_draft(engine: Engine, actor: Actor, period, figures: dict[str, str] | None = None,
               texts: dict[str, str] | None = None, document_no: str | None = None, unit: str | None = None,
               when: datetime | None = None) -> None:
    """Keep the unit's figures, section texts and document number as a draft. Every value is checked first (the
    field named in the refusal); nothing is written when one is wrong."""
    require(actor, "don_vi")
    when = when or now()
    registry = indicators.registry()
    with Session(engine) as s, s.begin():
        p = get_period(engine, period, when.date())
        row_unit = _unit(s, actor, unit)
        # made here when it is the first draft: rolled back with the draft when this one is refused
        rep = _report(s, row_unit, p, lock=True, create=True)
        if rep is not None and rep.state == "da_nop":
            raise Conflict(f"báo cáo đã nộp lúc {rep.submitted_at:%H:%M %d/%m/%Y}: rút báo cáo trước khi sửa", "state")
        stored = _stored(s, row_unit, p, {w.batch_id for w in _sendings(s, rep)})
        have_figures, have_texts = _drafts(s, rep)
        parsed: dict[str, float | None] = {}
        for code, text in (figures or {}).items():
            ind = registry.get(code)
            if code not in FIGURES or ind is None:
                raise Refused(f"chỉ tiêu «{str(code)[:60]}» không thuộc báo cáo định kỳ", str(code)[:60])
            if ind.source != "nhap":
                raise Refused(f"{ind.label}: số liệu này {SOURCE_WORDS.get(ind.source, '')}, không nhập tay", code)
            if code in stored:
                raise Refused(f"{ind.label}: hệ thống đã có số liệu này ({number(stored[code][0], 2)}, "
                              f"{stored[code][1]}), không nhập lại trong báo cáo", code)
            parsed[code] = check_figure(ind, text, code)
        drafted = {c: f.value for c, f in have_figures.items() if c not in stored and f.value is not None}
        check_parts(parsed, {**{c: v for c, (v, _) in stored.items()}, **drafted})
        cleaned = {}
        for section, text in (texts or {}).items():
            if section not in SECTIONS:
                raise Refused(f"mục «{str(section)[:60]}» không có trong mẫu báo cáo", str(section)[:60])
            cleaned[section] = clean_text(text, section, f"Mục «{SECTIONS[section]}»", MAX_TEXT)
        number_typed = None if document_no is None else _document_no(document_no)

        ensure_periods(s, {p.year})
        if rep is None:
            rep = models.PeriodicReport(unit_id=row_unit.id, period_code=p.code, state="nhap", document_no="",
                                        saved_by="", submissions=0)
            s.add(rep)
            s.flush()
        before, after = {}, {}
        audit.set_drafts(s, have_figures, parsed, "value", lambda code, value: models.PeriodicReportFigure(
            report_id=rep.id, indicator_code=code, value=value), before, after)
        audit.set_drafts(s, have_texts, cleaned, "text", lambda section, text: models.PeriodicReportText(
            report_id=rep.id, section=section, text=text), before, after)
        if number_typed is not None and number_typed != rep.document_no:
            before["so_hieu"], after["so_hieu"] = rep.document_no, number_typed
            rep.document_no = number_typed
        rep.saved_at, rep.saved_by = when, actor.username
        audit.record(s, actor, "luu_nhap_bao_cao", f"báo cáo định kỳ {p.code}, đơn vị {row_unit.code}", before, after)


def submit(engine: Engine, actor: Actor, period, unit: str | None = None, when: datetime | None = None) -> int:
    """Submit what the unit saved: its figures, the sections it wrote and its line in the register (the day it is
    submitted, its document number) land as one ingestion batch, and the report is locked for the unit. After the
    due date it is late, not refused. Returns the batch's id."""
    require(actor, "don_vi")
    when = when or now()
    with Session(engine) as s:
        p = get_period(engine, period, when.date())
        row_unit = _unit(s, actor, unit)
        rep = _report(s, row_unit, p)
        if rep is not None and rep.state == "da_nop":
            raise Refused(f"báo cáo đã nộp lúc {rep.submitted_at:%H:%M %d/%m/%Y}", "state")
        stored = _stored(s, row_unit, p, {w.batch_id for w in _sendings(s, rep)})
        have_figures, have_texts = _drafts(s, rep)
        figures = {c: f.value for c, f in have_figures.items() if c not in stored and f.value is not None}
        texts = {c: t.text for c, t in have_texts.items() if t.text}
        if rep is None or not (figures or texts):
            raise Refused("báo cáo chưa có số liệu hay nội dung nào: hãy nhập rồi lưu trước khi nộp", "state")
        count, state_before = rep.submissions + 1, rep.state
        read = _draft_values(s, rep)
        document_no = rep.document_no or f"{p.code}/BC-CCHC-{row_unit.code}" + (f"/{count}" if count > 1 else "")
    tables = {
        "so_lieu": pd.DataFrame(
            [[row_unit.code, p.code, code, _cell(value), f"Báo cáo {document_no}", ""]
             for code, value in figures.items()],
            columns=["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Tài liệu kiểm chứng", "Ghi chú"]),
        "bao_cao_noi_dung": pd.DataFrame([[row_unit.code, p.code, section, text] for section, text in
                                          sorted(texts.items(), key=lambda kv: list(SECTIONS).index(kv[0]))],
                                         columns=["Mã đơn vị", "Kỳ báo cáo", "Mục báo cáo", "Nội dung"]),
        "bao_cao": pd.DataFrame([[row_unit.code, p.code, day(when.date()), document_no]],
                                columns=["Mã đơn vị", "Kỳ báo cáo", "Ngày gửi", "Số hiệu văn bản"]),
    }
    late = days_late(p, when.date())

    def landed(s: Session, batch_id: int) -> None:
        """Inside the batch's transaction: the report is submitted with it, or neither is written."""
        rep = _report(s, row_unit, p, lock=True)
        if rep.state == "da_nop" or rep.submissions != count - 1:
            raise Refused("báo cáo vừa được nộp từ nơi khác: hãy tải lại trang", "state")
        if _draft_values(s, rep) != read:  # saved again after its figures were read: they are not the report's
            raise Conflict("bản nháp vừa được lưu lại trong lúc nộp: hãy tải lại trang, xem lại rồi nộp lại", "state")
        rep.state, rep.submitted_at, rep.submissions, rep.batch_id = "da_nop", when, count, batch_id
        rep.document_no = document_no
        s.add(models.PeriodicReportSending(report_id=rep.id, batch_id=batch_id, submitted_at=when,
                                           submitted_by=actor.username, document_no=document_no))
        audit.record(s, actor, "nop_bao_cao", f"báo cáo định kỳ {p.code}, đơn vị {row_unit.code}",
                     {"state": state_before},
                     {"state": "da_nop", "batch_id": batch_id, "ngay_gui": day(when.date()), "so_hieu": document_no,
                      "so_ngay_tre": late, "so_lieu": len(figures), "muc": len(texts)})
        notifications.notify_role(s, "quan_tri", "bao_cao", f"{row_unit.name} đã gửi báo cáo CCHC {p.in_sentence}",
                                  f"Số hiệu {document_no}" + (f", trễ {late} ngày." if late else ", đúng hạn."),
                                  f"/quan-tri/bao-cao-dinh-ky/{p.code}/{row_unit.code}")

    name = f"bao-cao-dinh-ky-{p.code}-{row_unit.code}-lan-{count}"
    try:
        result = ingest_tables(engine, tables, name, BATCH_KIND, actor.username, on_landed=landed)
    except IngestError as err:
        raise Refused("báo cáo không hợp lệ: " + "; ".join(pr.message for pr in err.problems), "figures") from None
    return result.batch_id


def withdraw(engine: Engine, actor: Actor, period, unit: str | None = None, when: datetime | None = None) -> None:
    """Take a submitted report back to correct it, until the office consolidates (the due day, 17:00). Its line
    leaves the register and its text the consolidated report; its figures stay in the store's history until the
    corrected report supersedes them."""
    require(actor, "don_vi")
    when = when or now()
    with Session(engine) as s, s.begin():
        p = get_period(engine, period, when.date())
        row_unit = _unit(s, actor, unit)
        # taken as a submission takes it: a withdrawal sent while the report is being submitted withdraws that one
        rep = _report(s, row_unit, p, lock=True)
        if rep is None or rep.state != "da_nop":
            raise Refused("chỉ rút được báo cáo đã nộp", "state")
        if when > deadline(p):
            raise Refused(f"đã quá {DUE_HOUR}:00 ngày {day(p.due)}, văn phòng đã tổng hợp báo cáo kỳ này: không rút "
                          "được nữa", "deadline")
        W = models.PeriodicReportSending
        sending = s.scalar(select(W).where(W.report_id == rep.id, W.batch_id == rep.batch_id))
        sending.withdrawn_at = when
        rep.state, rep.withdrawn_at = "da_rut", when
        audit.record(s, actor, "rut_bao_cao", f"báo cáo định kỳ {p.code}, đơn vị {row_unit.code}",
                     {"state": "da_nop", "batch_id": rep.batch_id}, {"state": "da_rut"})


# --- The unit's periods -----------------------------------------------------------------------------------


@dataclass
class PeriodLine:
    period: calendar.Period
    state: str  # of the report in the portal
    received: dict | None

    @property
    def state_text(self) -> str:
        return STATES[self.state]


def my_periods(engine: Engine, actor: Actor, today: date | None = None) -> tuple[models.Unit, list[PeriodLine]]:
    """The officer's unit and, per period reported online, its report's state and the register's line."""
    require(actor, "don_vi")
    today = today or date.today()
    with Session(engine, expire_on_commit=False) as s:
        row_unit = _unit(s, actor, None)
        R, W = models.PeriodicReport, models.PeriodicReportSending
        states = dict(s.execute(select(R.period_code, R.state).where(R.unit_id == row_unit.id)).all())
        portal = set(s.scalars(select(W.batch_id).join(R, R.id == W.report_id).where(R.unit_id == row_unit.id)))
    return row_unit, [PeriodLine(p, states.get(p.code, "chua_lap"), _received(engine, p, row_unit, today, portal))
                      for p in reporting_periods(engine, today)]


# --- The office: the register of reports received ---------------------------------------------------------


def _portal_batches(s: Session, period: calendar.Period) -> dict[int, str]:
    """batch → unit code of the reports submitted in the portal for the period."""
    R, W, U = models.PeriodicReport, models.PeriodicReportSending, models.Unit
    return dict(s.execute(select(W.batch_id, U.code).join(R, R.id == W.report_id).join(U, U.id == R.unit_id)
                          .where(R.period_code == period.code)).all())


@dataclass
class Register:
    period: calendar.Period
    lines: pd.DataFrame  # unit, name, kind, state, submitted_on, document_no, days_late, via, portal_state, has_report
    today: date

    @property
    def counts(self) -> dict[str, int]:
        """How many units in each state, in the register's order of states."""
        found = self.lines["state"].value_counts()
        return {state: int(found[state]) for state in (ON_TIME, LATE, MISSING, NOT_DUE) if state in found}


def register(engine: Engine, actor: Actor, period, today: date | None = None) -> Register:
    """The period's register for the office: one line per unit that must report — state (on time, late, not
    sent, not due yet), the day received, the number, days late, whether it came through the portal, and the
    state of its report in the portal."""
    require(actor, "quan_tri")
    today = today or date.today()
    return _register(engine, get_period(engine, period, today), today)


def _register(engine: Engine, p: calendar.Period, today: date) -> Register:
    frame = submissions(engine, p.code, today)
    R, U = models.PeriodicReport, models.Unit
    with Session(engine) as s:
        portal = _portal_batches(s, p)
        kinds = dict(s.execute(select(U.code, U.kind)).all())
        states = dict(s.execute(select(U.code, R.state).join(U, U.id == R.unit_id)
                                .where(R.period_code == p.code)).all())
    received = frame["submitted_on"].notna()
    frame["kind"] = frame["unit"].map(lambda c: KIND_NAMES.get(kinds.get(c), kinds.get(c)))
    frame["submitted_on"] = frame["submitted_on"].map(lambda v: pd.Timestamp(v).date() if pd.notna(v) else None)
    frame["days_late"] = pd.Series([int(v) if pd.notna(v) else None for v in frame["days_late"]], index=frame.index,
                                   dtype=object)
    frame["via"] = [("" if not got else VIA_PORTAL if pd.notna(b) and int(b) in portal else VIA_REGISTER)
                    for got, b in zip(received, frame["batch_id"])]
    frame["portal_state"] = frame["unit"].map(lambda c: STATES[states[c]] if c in states else "")
    frame["has_report"] = received | frame["unit"].isin(states)
    return Register(p, frame.drop(columns="batch_id"), today)


@dataclass
class PeriodCount:
    period: calendar.Period
    units: int
    on_time: int
    late: int
    missing: int
    not_due: int
    via_portal: int


def overview(engine: Engine, actor: Actor, today: date | None = None) -> list[PeriodCount]:
    """Per period reported online: how many units must report, on time, late, not sent, not due, through the
    portal."""
    require(actor, "quan_tri")
    today = today or date.today()
    out = []
    for p in reporting_periods(engine, today):
        found = _register(engine, p, today)
        counts = found.counts
        out.append(PeriodCount(p, len(found.lines), counts.get(ON_TIME, 0), counts.get(LATE, 0),
                               counts.get(MISSING, 0), counts.get(NOT_DUE, 0),
                               int((found.lines["via"] == VIA_PORTAL).sum())))
    return out


def register_xlsx(engine: Engine, actor: Actor, period, today: date | None = None) -> tuple[str, bytes]:
    """The register as a workbook to read and print: (file name, bytes)."""
    from reports.xlsx import frame_table, table_workbook

    found = register(engine, actor, period, today)
    p, frame = found.period, found.lines
    table = pd.DataFrame({
        "Mã đơn vị": frame["unit"], "Tên đơn vị": frame["name"], "Loại đơn vị": frame["kind"],
        "Tình trạng": frame["state"], "Ngày gửi": frame["submitted_on"], "Số hiệu văn bản": frame["document_no"],
        "Số ngày trễ": frame["days_late"].map(lambda v: v if v else None), "Nguồn": frame["via"],
        "Báo cáo trên cổng": frame["portal_state"]})
    workbook = table_workbook(frame_table(table, f"Sổ theo dõi báo cáo CCHC {p.in_sentence}"),
                              f"Hạn gửi {day(p.due)}; tính đến ngày {day(found.today)}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return f"so-theo-doi-bao-cao-{p.code}.xlsx", buffer.getvalue()


def consolidated(engine: Engine, actor: Actor, period, today: date | None = None) -> tuple[str, bytes]:
    """The office's consolidated report of the period (``office.periodic``), with what every unit said, as DOCX:
    (file name, bytes). Only reads."""
    from office.outputs import write
    from office.periodic import periodic

    require(actor, "quan_tri")
    today = today or date.today()
    p = get_period(engine, period, today)
    document = periodic(engine, p.code, None, today)
    with tempfile.TemporaryDirectory() as folder:
        path = write(document, Path(folder), f"bao-cao-{p.code}", "docx")
        return path.name, path.read_bytes()
