"""The system of record: SQLAlchemy 2 models.

Facts and dossiers are append-only: each row carries the ingestion batch that brought it, a correction is
a new batch, and the current value is the one from the latest batch. Master data (units, people) is
upserted by its code, keeping the batch that last changed it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class IngestBatch(Base):
    """One ingested file: it lands whole or not at all; the same bytes (sha256) land once, and again only when sent
    again on purpose (``cchc ingest --lai``: an earlier file sent back after a later one corrected it)."""

    __tablename__ = "ingest_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class Unit(Base):
    """A node of the unit tree: tỉnh → sở/ban/ngành, UBND xã/phường → phòng/đơn vị trực thuộc."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))
    # The unit as the issuer of documents (Nghị định 30/2020); empty: the defaults of office.frames.
    abbreviation: Mapped[str] = mapped_column(String(30), default="", server_default="")  # SKHCN in «/KH-SKHCN»
    place: Mapped[str] = mapped_column(String(100), default="", server_default="")  # «Lai Châu, ngày …»
    signer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(String(100), default="", server_default="")  # PHÓ GIÁM ĐỐC
    signer_authority: Mapped[str] = mapped_column(String(100), default="", server_default="")  # KT. GIÁM ĐỐC
    recipients: Mapped[str] = mapped_column(String(1000), default="", server_default="")  # «;»-separated


class Person(Base):
    """Cán bộ, công chức, viên chức or người lao động, in the unit and position of their latest record."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(30))
    position: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class StaffRating(Base):
    """The yearly quality rating (xếp loại chất lượng, NĐ 90/2020 as amended by NĐ 48/2023)."""

    __tablename__ = "staff_rating"
    __table_args__ = (UniqueConstraint("person_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    year: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    position: Mapped[str] = mapped_column(String(200))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class Discipline(Base):
    """A discipline record; a pending one (đang xem xét) blocks awards (NĐ 152/2025 Đ.4)."""

    __tablename__ = "discipline"
    __table_args__ = (UniqueConstraint("person_id", "year", "form", "decision_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    year: Mapped[int] = mapped_column(Integer)
    form: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    decision_no: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class Initiative(Base):
    """A recognised initiative (sáng kiến); one initiative may back one award only."""

    __tablename__ = "initiative"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    decision_no: Mapped[str] = mapped_column(String(100))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class Period(Base):
    """A reporting period and its data window (see store.calendar)."""

    __tablename__ = "period"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(100))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)


class Indicator(Base):
    __tablename__ = "indicator"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    unit_of_measure: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    whole: Mapped[str | None] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(Text)


class Evidence(Base):
    """A reference to the evidence (tài liệu kiểm chứng) behind a declared figure, and the unit's written
    explanation (giải trình) where the evidence is missing."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    reference: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")


class Fact(Base):
    """One value of one indicator for one unit and period, as brought by one batch."""

    __tablename__ = "fact"
    __table_args__ = (Index("ix_fact_key", "period_code", "unit_id", "indicator_code", "batch_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    value: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class Dossier(Base):
    """A raw TTHC dossier record (hồ sơ); the latest batch's version of a dossier code is current."""

    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_unit_received", "unit_id", "received"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    code: Mapped[str] = mapped_column(String(60))
    tthc_code: Mapped[str] = mapped_column(String(60))
    received: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    finished: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(12))
    has_fee: Mapped[bool] = mapped_column(Boolean)
    paid_online: Mapped[bool] = mapped_column(Boolean)
    digitised: Mapped[bool] = mapped_column(Boolean)
    e_result: Mapped[bool] = mapped_column(Boolean)
    supplements: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class Campaign(Base):
    """An emulation campaign (phong trào thi đua) launched by a unit, as its plan describes it."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    rules: Mapped[str] = mapped_column(String(100))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)


class Registration(Base):
    """A collective or a person registered in a campaign for a title or award form, with its pledge."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("campaign_id", "participant", "aim"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    participant_kind: Mapped[str] = mapped_column(String(10))  # ca_nhan | tap_the
    participant: Mapped[str] = mapped_column(String(50))  # person or unit code
    aim: Mapped[str] = mapped_column(String(60))
    committed: Mapped[bool] = mapped_column(Boolean)


class Nomination(Base):
    """A candidate put to the council, in rank order, with what decided the order."""

    __tablename__ = "nomination"
    __table_args__ = (UniqueConstraint("campaign_id", "participant", "form"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    participant_kind: Mapped[str] = mapped_column(String(10))
    participant: Mapped[str] = mapped_column(String(50))
    form: Mapped[str] = mapped_column(String(60))
    rank: Mapped[int] = mapped_column(Integer)
    within_quota: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)
    achievements: Mapped[str] = mapped_column(Text)


class Ballot(Base):
    """The council's secret ballot on one nominee: yes votes out of all members (absentees in writing)."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("campaign_id", "participant", "form"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    participant: Mapped[str] = mapped_column(String(50))
    form: Mapped[str] = mapped_column(String(60))
    members: Mapped[int] = mapped_column(Integer)
    present: Mapped[int] = mapped_column(Integer)
    written: Mapped[int] = mapped_column(Integer)
    yes: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    voted_on: Mapped[date] = mapped_column(Date)


class Award(Base):
    """A title or award decided: the history next year's eligibility reads."""

    __tablename__ = "award"
    __table_args__ = (UniqueConstraint("year", "participant_kind", "participant", "form", "decision_key",
                                       name="uq_award_decision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    participant_kind: Mapped[str] = mapped_column(String(10))
    participant: Mapped[str] = mapped_column(String(50))
    form: Mapped[str] = mapped_column(String(60))
    decision_no: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    # A title is held once a year: "". A Bằng khen or Giấy khen may be given several times a year, by several
    # campaigns' decisions (Luật TĐKT 2022 Đ.74, 75): its decision's number as told apart.
    decision_key: Mapped[str] = mapped_column(String(100), default="")
    # The initiatives this award rests on: one initiative backs one award only (CV 5007/BNV-TĐKT 2023).
    initiatives: Mapped[str] = mapped_column(Text, default="")


class Submission(Base):
    """A periodic report as sent by a unit: when it arrived and under which number (late and missing reports
    are read against the period's due date)."""

    __tablename__ = "report_submission"
    __table_args__ = (Index("ix_submission_period_unit", "period_code", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    submitted_on: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(100))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class Plan(Base):
    """A unit's yearly CCHC plan as issued: number, date, and the score run it was drawn from."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    ruleset: Mapped[str] = mapped_column(String(100))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("score_run.id"))
    basis: Mapped[str] = mapped_column(Text, default="")


class PlanItem(Base):
    """One line of a plan: a target (muc_tieu), a remedial task (khac_phuc) or an area's task (nhiem_vu)."""

    __tablename__ = "plan_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(12))
    area: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(String(300))
    support: Mapped[str] = mapped_column(String(300), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    output: Mapped[str] = mapped_column(Text, default="")
    last_value: Mapped[float | None] = mapped_column(Float)
    last_rank: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(100), default="")
    rank_range: Mapped[str] = mapped_column(String(100), default="")
    done_on: Mapped[date | None] = mapped_column(Date)  # a task reported done, and what it produced
    result: Mapped[str] = mapped_column(Text, default="")


class Inspection(Base):
    """A planned inspection visit (kiểm tra CCHC) and, once made, its conclusion."""

    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("year", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    month: Mapped[int] = mapped_column(Integer)
    risk: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    visited_on: Mapped[date | None] = mapped_column(Date)


class Finding(Base):
    """What an inspection found, what it recommends, by when; and when it was remedied."""

    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))
    criterion: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution: Mapped[str] = mapped_column(Text, default="")


class Appraisal(Base):
    """An appraiser's points for one criterion of one unit, replacing the self-assessed points, with a reason.
    Append-only: the latest for (rule set, period, unit, criterion) holds; one without points withdraws the
    appraisal, the self-assessed points holding again."""

    __tablename__ = "appraisal"
    __table_args__ = (Index("ix_appraisal_key", "ruleset", "period_code", "unit_id", "criterion"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(100))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    criterion: Mapped[str] = mapped_column(String(20))
    points: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    appraiser: Mapped[str] = mapped_column(String(200))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ScoreRun(Base):
    """One immutable scoring of a rule set over a period. ``batch_mark`` and ``appraisal_mark`` are the newest
    ingestion batch and appraisal it saw: what came later is what the next run must look at."""

    __tablename__ = "score_run"
    __table_args__ = (UniqueConstraint("ruleset", "period_code", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(100))
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    version: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("score_run.id"))
    mode: Mapped[str] = mapped_column(String(12))  # day_du (full) | tang_dan (incremental)
    entities: Mapped[int] = mapped_column(Integer)
    evaluated: Mapped[int] = mapped_column(Integer)
    batch_mark: Mapped[int] = mapped_column(Integer)
    appraisal_mark: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    corrects: Mapped[str] = mapped_column(Text, default="")


class RuleSetText(Base):
    """A rule file's text as a score run read it, by its sha256 (``ScoreRun.ruleset_hash``): a run's documents
    explain its stored points with the rules it was scored by, whatever the file says since."""

    __tablename__ = "ruleset_text"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class ScoreEntry(Base):
    """One entity's result in a run; ``detail_run`` is the run that evaluated it (and holds its detail)."""

    __tablename__ = "score_entry"
    run_id: Mapped[int] = mapped_column(ForeignKey("score_run.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(50), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(32))
    diem: Mapped[float] = mapped_column(Float)
    toi_da: Mapped[float] = mapped_column(Float)
    ty_le: Mapped[float | None] = mapped_column(Float)
    hang: Mapped[int] = mapped_column(Integer)
    xep_loai: Mapped[str] = mapped_column(String(60))
    detail_run: Mapped[int] = mapped_column(Integer)


class ScoreDetail(Base):
    """The explanation data of one evaluated entity (inputs, and per criterion value, step, points), as JSON."""

    __tablename__ = "score_detail"
    run_id: Mapped[int] = mapped_column(ForeignKey("score_run.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(50), primary_key=True)
    data: Mapped[str] = mapped_column(Text)


# --- The portal: accounts, audit trail, self-assessment rounds, evidence files, feedback ----------------


class Account(Base):
    """A person who signs in to the portal. ``role``: quan_tri (the office), don_vi (a unit's officer, who
    sees only ``unit_id``), tham_dinh (an appraiser; ``assigned_units`` lists unit codes, empty = all),
    hoi_dong (a council member)."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    assigned_units: Mapped[str] = mapped_column(Text, default="")  # unit codes, comma-separated
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)  # the last wrong password: they count within a window
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    email: Mapped[str | None] = mapped_column(String(254))  # notifications by e-mail, where SMTP is configured


class WebSession(Base):
    """A signed-in session: the cookie carries ``id`` (signed); expiry is checked here, on the server."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")


class LoginThrottle(Base):
    """Failed sign-ins from one address within a window: too many and the address waits."""

    __tablename__ = "login_throttle"
    ip: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """One write made through the portal or the command line: who, when, from where, what, before, after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(60))
    ip: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text, default="")  # JSON
    after: Mapped[str] = mapped_column(Text, default="")  # JSON


class AssessmentRound(Base):
    """A self-assessment round (đợt tự đánh giá) of one rule set over one period. ``state``: mo (open),
    khoa (locked: no unit writes), cong_bo (published as ``run_id``)."""

    __tablename__ = "assessment_round"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    ruleset: Mapped[str] = mapped_column(String(100))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    deadline: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    opened_by: Mapped[str] = mapped_column(String(60))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("score_run.id"))


class DeadlineExtension(Base):
    """A later deadline for one unit in one round."""

    __tablename__ = "deadline_extension"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    deadline: Mapped[datetime] = mapped_column(DateTime)


class SelfAssessment(Base):
    """One unit's self-assessment in one round. ``state``: nhap (draft), da_nop (submitted), da_rut
    (withdrawn), can_bo_sung (feedback requested), da_tham_dinh (finalised). ``batch_id``: the ingestion
    batch its last submission landed as."""

    __tablename__ = "self_assessment"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    state: Mapped[str] = mapped_column(String(14))
    saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batch.id"))


class DraftFigure(Base):
    """A figure the unit declares in its self-assessment (not yet a fact: it becomes one when submitted)."""

    __tablename__ = "draft_figure"
    __table_args__ = (UniqueConstraint("assessment_id", "indicator_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    value: Mapped[float | None] = mapped_column(Float)


class DraftNote(Base):
    """The unit's explanation (giải trình) of one criterion."""

    __tablename__ = "draft_note"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id"))
    criterion: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")


class EvidenceFile(Base):
    """An evidence file (tài liệu kiểm chứng) uploaded for one criterion; its bytes are stored on disk,
    content-addressed by ``sha256``, outside the database."""

    __tablename__ = "evidence_file"
    __table_args__ = (Index("ix_evidence_file_round_unit", "round_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(10))  # pdf, docx, xlsx, png, jpeg
    size: Mapped[int] = mapped_column(Integer)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    criterion: Mapped[str] = mapped_column(String(20))
    uploaded_by: Mapped[str] = mapped_column(String(60))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)


class FeedbackRequest(Base):
    """An appraiser asks a unit for evidence or an explanation of one criterion by a deadline; the unit's
    answer; closed when the appraiser finalises."""

    __tablename__ = "feedback_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    criterion: Mapped[str] = mapped_column(String(20))
    request: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(DateTime)
    asked_by: Mapped[str] = mapped_column(String(60))
    asked_at: Mapped[datetime] = mapped_column(DateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(60), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class ReportNarrative(Base):
    """What a unit says in one section of its periodic report (tuyên truyền, tổ chức bộ máy, ISO, khó khăn, đề
    xuất…) where the store has no figures; the latest batch's text of a unit, period and section is current."""

    __tablename__ = "report_narrative"
    __table_args__ = (Index("ix_narrative_period_unit", "period_code", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    section: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


# --- Periodic reports filled in the portal (migration 0007) ---


class PeriodicReport(Base):
    """A unit's periodic CCHC report for one period as filled in the portal. ``state``: nhap (draft), da_nop
    (submitted), da_rut (withdrawn to correct). ``batch_id``: the ingestion batch its last submission landed as
    (its figures, its sections and its line in the register of reports received)."""

    __tablename__ = "periodic_report"
    __table_args__ = (UniqueConstraint("unit_id", "period_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    state: Mapped[str] = mapped_column(String(10))
    document_no: Mapped[str] = mapped_column(String(100), default="")
    saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    saved_by: Mapped[str] = mapped_column(String(60), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batch.id"))


class PeriodicReportFigure(Base):
    """A figure of the report the unit typed (a draft: it becomes a fact when the report is submitted)."""

    __tablename__ = "periodic_report_figure"
    __table_args__ = (UniqueConstraint("report_id", "indicator_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("periodic_report.id"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    value: Mapped[float | None] = mapped_column(Float)


class PeriodicReportText(Base):
    """What the unit wrote in one section of the report's form (a draft until submitted)."""

    __tablename__ = "periodic_report_text"
    __table_args__ = (UniqueConstraint("report_id", "section"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("periodic_report.id"))
    section: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")


class PeriodicReportSending(Base):
    """One submission of a report: its batch, when, under which number, and when it was withdrawn (a withdrawn
    submission is not a report received: the register leaves its line out)."""

    __tablename__ = "periodic_report_sending"
    __table_args__ = (Index("ix_periodic_sending_batch", "batch_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("periodic_report.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_by: Mapped[str] = mapped_column(String(60))
    document_no: Mapped[str] = mapped_column(String(100))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- The emulation council's sessions in the portal (migration 0008) ---


class CouncilSession(Base):
    """A voting session of the emulation council (Hội đồng Thi đua - Khen thưởng) on the nominations of one
    campaign inside their quota. ``state``: mo (open), dang_dong (being closed: no more votes), dong (closed,
    outcome written as ``ballot`` rows), khong_hop_le (closed without quorum: ``reason``). ``members``: the
    council's size, every member taking part, the base of every share (NĐ 98/2023 Đ.30 k.7)."""

    __tablename__ = "council_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    campaign_ref: Mapped[str] = mapped_column(String(500))  # the campaign's name, or its file, as opened
    year: Mapped[int] = mapped_column(Integer)
    meeting_on: Mapped[date] = mapped_column(Date)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(12))
    members: Mapped[int] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)
    written: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    opened_by: Mapped[str] = mapped_column(String(60))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_by: Mapped[str] = mapped_column(String(60), default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class CouncilMember(Base):
    """A council member taking part in a session, and how they vote: «hop» (in the meeting) or «van_ban»
    (absent, in writing before the session closes); empty until their first vote, then fixed."""

    __tablename__ = "council_member"
    __table_args__ = (UniqueConstraint("session_id", "account_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    mode: Mapped[str] = mapped_column(String(10), default="")


class CouncilItem(Base):
    """One nominee and award form put to a session, with the dossier as it stood when the session opened
    and the secret ballot's running tallies: counters only, never who chose what."""

    __tablename__ = "council_item"
    __table_args__ = (UniqueConstraint("session_id", "participant", "form"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"))
    participant_kind: Mapped[str] = mapped_column(String(10))
    participant: Mapped[str] = mapped_column(String(50))
    form: Mapped[str] = mapped_column(String(60))
    rank: Mapped[int] = mapped_column(Integer)
    achievements: Mapped[str] = mapped_column(Text)
    eligibility: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    yes: Mapped[int] = mapped_column(Integer, default=0)
    no: Mapped[int] = mapped_column(Integer, default=0)


class CouncilVoted(Base):
    """That a member has voted on an item (so nobody votes twice): no choice, no time, no row number of its
    own — nothing that joins a member back to a choice."""

    __tablename__ = "council_voted"
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("council_item.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)



# --- Notifications (migration 0009) ---


class Notification(Base):
    """A notice to one account inside the portal (a round opened, a request to answer, a deadline near), and
    its e-mail: ``email_state`` khong (not needed: no address or no SMTP), cho (waiting in the outbox), dang_gui
    (being sent), da_gui (sent), loi (failed, ``email_error`` says why; retried up to a limit). ``key``
    makes a reminder idempotent: one notice per account and key."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("account_id", "key"), Index("ix_notification_account", "account_id", "id"),
                      Index("ix_notification_email", "email_state"))
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")  # a path inside the portal
    created_at: Mapped[datetime] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    key: Mapped[str | None] = mapped_column(String(200))
    email_to: Mapped[str] = mapped_column(String(254), default="")
    email_state: Mapped[str] = mapped_column(String(10), default="khong")
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_tried_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_error: Mapped[str] = mapped_column(String(500), default="")


# --- Emulation records (migration 0010) ---


class AwardRecord(Base):
    """A title or award form decided outside a campaign's review (a decision of a department, a commune or the
    province), as ingested: the history eligibility reads, within its own participant. ``participant`` is a
    person's code (ca_nhan) or a unit's (tap_the); a person is matched by code, whatever unit they are in now.
    ``initiatives``: the initiatives the decision rested on (comma-separated), which back nothing else."""

    __tablename__ = "award_record"
    __table_args__ = (UniqueConstraint("participant_kind", "participant", "year", "form", "decision_key"),
                      Index("ix_award_record_year", "year"))
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_kind: Mapped[str] = mapped_column(String(10))  # ca_nhan | tap_the
    participant: Mapped[str] = mapped_column(String(50))
    year: Mapped[int] = mapped_column(Integer)
    form: Mapped[str] = mapped_column(String(60))  # a title's or award form's code
    decision_no: Mapped[str] = mapped_column(String(100))
    # A title is held once a year: "" (a decision sent again with another number corrects it). A Bằng khen or Giấy
    # khen may be given several times a year (Luật TĐKT 2022 Đ.74, 75): its decision's number as told apart.
    decision_key: Mapped[str] = mapped_column(String(100), default="")
    decided_on: Mapped[date] = mapped_column(Date)
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # whose decision it is
    initiatives: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class CollectiveRating(Base):
    """A collective's own yearly rating (mức hoàn thành nhiệm vụ) and, where decided, its collective title."""

    __tablename__ = "collective_rating"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(10))  # HTXSNV | HTTNV | HTNV | KHTNV
    title: Mapped[str] = mapped_column(String(60), default="")  # tap_the_lao_dong_xuat_sac | …_tien_tien | ""
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class Proceeding(Base):
    """A matter that holds a person's awards back while it is open (NĐ 152/2025 Đ.4): discipline under
    consideration, investigation, inspection, complaint or denunciation being verified. A later row with the
    same person, kind and opening date closes it (``closed_on``, ``outcome``)."""

    __tablename__ = "proceeding"
    __table_args__ = (UniqueConstraint("person_id", "kind", "opened_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(30))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(500), default="")
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class UnitProceeding(Base):
    """A matter of a collective (an inspection, investigation or complaint concerning the unit itself) that
    holds its titles back while open (NĐ 152/2025 Đ.4); a later row with the same unit, kind and opening date
    closes it, as for a person."""

    __tablename__ = "unit_proceeding"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "opened_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(30))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(500), default="")
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


class ResearchTopic(Base):
    """A scientific topic or project accepted (nghiệm thu) with the person among its authors: it counts for
    Chiến sĩ thi đua cơ sở in the year of its acceptance (Luật TĐKT 2022 Đ.23)."""

    __tablename__ = "research_topic"
    __table_args__ = (UniqueConstraint("code", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(500))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))


# --- Year-end forecasts (migration 0011) ---


class YearForecast(Base):
    """One unit's year-end forecast as made from a cumulative period (Q1, 6 months, 9 months) by the periodic
    report step: points and rank with their interval, so that a document quotes what was forecast then. A
    forecast made again for the same rule set and period is a new set of rows (``made_at``); the latest holds."""

    __tablename__ = "year_forecast"
    __table_args__ = (Index("ix_year_forecast_period", "ruleset_id", "period_code", "made_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    period_code: Mapped[str] = mapped_column(ForeignKey("period.code"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime)
    points: Mapped[float] = mapped_column(Float)
    points_low: Mapped[float] = mapped_column(Float)
    points_high: Mapped[float] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    rank_best: Mapped[int | None] = mapped_column(Integer)
    rank_worst: Mapped[int | None] = mapped_column(Integer)
    klass: Mapped[str] = mapped_column(String(30), default="")
    level: Mapped[float] = mapped_column(Float)
    past_years: Mapped[int] = mapped_column(Integer, default=0)


# --- What-if answers kept with the improvement plans (migration 0013) ---


class WhatIfKept(Base):
    """What a unit must change to reach one target of its target set, answered once when a score run's
    improvement plans are issued and quoted from here by the plan and the portal (never solved again). The
    answer's lines are in the office's words; ``changes`` holds each change as JSON (figure, before, after,
    words, points per criterion). A new run version gets answers of its own."""

    __tablename__ = "whatif_kept"
    __table_args__ = (UniqueConstraint("run_id", "unit_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_run.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    position: Mapped[int] = mapped_column(Integer)  # the target's place in its set
    target_set: Mapped[str] = mapped_column(String(100))
    target_title: Mapped[str] = mapped_column(String(300))
    goal: Mapped[str] = mapped_column(String(300))  # the target as the set says it
    reached: Mapped[bool] = mapped_column(Boolean)
    already: Mapped[bool] = mapped_column(Boolean)
    points_before: Mapped[float] = mapped_column(Float)
    rank_before: Mapped[int] = mapped_column(Integer)
    points_after: Mapped[float] = mapped_column(Float)
    rank_after: Mapped[int] = mapped_column(Integer)
    klass_after: Mapped[str] = mapped_column(String(30), default="")
    lines: Mapped[str] = mapped_column(Text)  # one line of the answer per line
    changes: Mapped[str] = mapped_column(Text)  # JSON list
    made_at: Mapped[datetime] = mapped_column(DateTime)


# --- Dossier datasets (migration 0012) ---


class DossierDataset(Base):
    """An ingested dossier file as an immutable Parquet dataset under the data directory (store.dossier_data),
    named by the file's sha256: the rows stay out of the SQL store, which keeps where they are, how many, the
    reporting year they belong to and the span of their dates of receipt."""

    __tablename__ = "dossier_dataset"
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(200))  # relative to the data directory
    year: Mapped[int] = mapped_column(Integer, index=True)
    rows: Mapped[int] = mapped_column(Integer)
    first_received: Mapped[date] = mapped_column(Date)
    last_received: Mapped[date] = mapped_column(Date)
