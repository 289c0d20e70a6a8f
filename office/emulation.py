"""Emulation and commendation as the office runs it: who is eligible for which title and why not; a campaign
from launch to decision (explicit writes), and its documents, which show what was recorded — the ballots'
results are the stored ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from base.award_forms import decided_by, decided_name
from cycle.scoring import NoFigures, NoScores, rescore, stored
from emulation import review as rv
from emulation.campaigns import Campaign, CampaignFileError, load_campaign, shipped_campaigns
from emulation.eligibility import Eligibility, eligibility
from office.errors import NotFound, Refused
from office.frames import PROVINCE_OFFICE, bases, dated, frame_for, in_own_name, issuer, office_of
from office.outputs import write
from office.score_documents import scorecard_context
from office.workers import each
from reports import documents as docs
from reports.model import Document, Signature
from rules.ruleset import find, for_use
from store import calendar, models

RATING_LABEL = {4: "HTXSNV", 3: "HTTNV", 2: "HTNV", 1: "KHTNV"}

def _in_words(title: str) -> str:
    """«Phát động phong trào thi đua …» → «phong trào thi đua …» (names keep their capitals)."""
    text = title.removeprefix("Phát động ").strip()
    return text[:1].lower() + text[1:]


def campaign(name: str) -> Campaign:
    """A campaign by its code or the path of its YAML file. A name from a form reaches here too (the council's
    session): any other file of the server — a key, a database, a folder — is «not found», never opened, and a
    file that is no campaign is refused with its name."""
    missing = NotFound(f"không có phong trào «{str(name)[:80]}» (emulation/campaigns/*.yaml)", field="CAMPAIGN")
    try:
        path = Path(name)
        if not name or path.exists() and (path.suffix.lower() not in (".yaml", ".yml") or not path.is_file()):
            raise missing
        return load_campaign(name)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise missing from None
    except CampaignFileError as e:
        raise Refused(f"«{str(name)[:80]}» không phải tệp phong trào thi đua đọc được: {e}", "CAMPAIGN") from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, yaml.YAMLError):
        raise Refused(f"«{str(name)[:80]}» không phải tệp phong trào thi đua đọc được", "CAMPAIGN") from None


def latest_year(engine: Engine) -> int | None:
    """The latest year the store holds staff ratings for: the year titles are considered for."""
    with Session(engine) as s:
        return s.scalar(select(func.max(models.StaffRating.year)))


def eligible(engine: Engine, year: int) -> Eligibility:
    return eligibility(engine, year)


def eligibility_document(engine: Engine, result: Eligibility, unit: str | None, issued: date) -> Document:
    """The eligibility list as a document of the unit (or the Department of Home Affairs for all)."""
    table = result.table()
    if unit:
        table = table[(table["unit"] == unit) | table["unit"].str.startswith(f"{unit}-")]
    titles = result.ruleset.titles
    labels = {t: result.label(t) for t in titles}
    table = table.sort_values(["unit", "name"])
    held = table[list(titles)].to_numpy(dtype=bool)
    fit: dict[str, str] = {}  # the same reasons recur across thousands of people: each dated once
    rows = []
    for person, name, unit_name, rating, flags in zip(table.index, table["name"], table["unit_name"],
                                                        table["xep_loai"], held):
        reached = [labels[t] for t, ok in zip(titles, flags) if ok]
        nxt = next((t for t, ok in zip(titles, flags) if not ok), None)
        why = "; ".join(result.why_not(person, nxt)) if nxt else ""
        if why not in fit:
            fit[why] = dated(why, issued)
        rows.append(docs.EligibleRow(name, unit_name, RATING_LABEL.get(int(rating), "–") if rating == rating else "–",
                                     ", ".join(reached) or "–", labels[nxt] if nxt else "–", fit[why]))
    counts = tuple((result.label(t), int(table[t].sum())) for t in titles)
    context = docs.EligibilityList(result.year, unit or "toàn tỉnh", counts, tuple(rows),
                                   dated(result.ruleset.reference, issued), result.out_of_force or "")
    frame = frame_for(engine, unit or PROVINCE_OFFICE, "DS", issued, ("Hội đồng Thi đua - Khen thưởng", "Lưu: VT"))
    return docs.eligibility_list(context, frame)


def campaign_document(engine: Engine, c: Campaign) -> Document:
    """The launch plan of a campaign (seed 004)."""
    with Session(engine) as s:
        unit_name = s.scalar(select(models.Unit.name).where(models.Unit.code == c.unit))
    if unit_name is None:
        raise NotFound(f"đơn vị phát động «{c.unit}» chưa có trong danh mục", field="CAMPAIGN")
    plan = c.plan(unit_name)
    cited = bases(issuer(engine, c.unit), "ke_hoach_thi_dua", c.start, c.start.year)
    plan = docs.CampaignPlan(**{**vars(plan), "basis": cited + tuple(plan.basis)})
    return docs.campaign_plan(plan, frame_for(engine, c.unit, "KH", c.start, c.recipients))


def _level(engine: Engine, c: Campaign, year: int) -> float:
    """The launching department's class in the campaign's stored scores, as the divisions' collective rating."""
    rs = find(c.rules)
    try:
        rescore(engine, rs, f"{year}-NAM")
    except NoFigures:
        return 1.0  # the campaign's year has no figures: no class to lend the divisions
    scored = stored(engine, rs, f"{year}-NAM")
    return rv.CLASS_LEVEL.get(scored.summary.loc[c.unit, "xep_loai"], 1.0) if c.unit in scored.summary.index else 1.0


def decision_day(year: int) -> date:
    """The day a campaign's awards of ``year`` are decided: its nominees are judged as they stand that day."""
    return date(year, 12, 20)


def decided_day(engine: Engine, c: Campaign, year: int) -> date:
    """The day of the decision: the year's, or the council's meeting when it met later. The decision rests on the
    council's minutes and the proposal that follows them (Luật TĐKT 2022 Đ.84), so it is never older than they are;
    its nominees are judged as they stand that day."""
    with Session(engine) as s:
        met = s.scalar(select(func.max(models.Ballot.voted_on)).join(models.Campaign,
                                                                      models.Campaign.id == models.Ballot.campaign_id)
                       .where(models.Campaign.code == c.id))
    return max(decision_day(year), met) if met else decision_day(year)


def within_period(c: Campaign, year: int) -> None:
    """Refuse a year outside the campaign's period, before anything is written: its awards are of its own
    years, and a review of another year would re-date them or erase them."""
    if not c.start.year <= year <= c.end.year:
        span = f"năm {c.start.year}" if c.start.year == c.end.year else f"các năm {c.start.year}–{c.end.year}"
        raise Refused(f"năm {year} ngoài thời gian của phong trào «{c.id}» ({c.start:%d/%m/%Y} – {c.end:%d/%m/%Y}): "
                      f"chỉ bình xét, quyết định khen thưởng cho {span}; chưa ghi gì", field="--year")


def launch(engine: Engine, c: Campaign) -> int:
    try:
        return rv.launch(engine, c)
    except ValueError as e:
        raise NotFound(str(e), field="CAMPAIGN") from None


def register(engine: Engine, c: Campaign, year: int) -> int:
    within_period(c, year)
    launch(engine, c)
    return rv.register_all(engine, c, year)


def nominate(engine: Engine, c: Campaign, year: int) -> rv.Nominations:
    """Score the campaign's year (a write: its run), then rank and record the nominations against the quotas."""
    within_period(c, year)
    launch(engine, c)
    return rv.nominate(engine, c, year, _level(engine, c, year), decision_day(year))


BALLOT_HEADERS = (["Mã", "Hình thức", "Phiếu đồng ý"], ["Mã", "Phiếu đồng ý"])


def read_ballots(path: Path) -> rv.Ballots:
    """A ballot file (CSV: «Mã», «Hình thức», «Phiếu đồng ý»; or «Mã», «Phiếu đồng ý» when every nominee is
    put to the council for one form) → the votes per nominee and form; refused with the row and column."""
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise Refused(f"{path.name}: tệp kết quả bỏ phiếu rỗng — cần dòng tiêu đề «Mã, Hình thức, Phiếu đồng ý» "
                      "và một dòng cho mỗi người (tập thể) được đề nghị", field="--ballots") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
        raise Refused(f"{path.name}: không đọc được tệp kết quả bỏ phiếu ({e})", field="--ballots") from None
    columns = [str(col).strip() for col in frame.columns]
    header = next((h for h in BALLOT_HEADERS if columns[:len(h)] == h), None)
    if header is None:
        raise Refused(f"{path.name}, dòng 1: dòng tiêu đề phải là «Mã, Hình thức, Phiếu đồng ý» "
                      "(hoặc «Mã, Phiếu đồng ý» khi mỗi người chỉ được đề nghị một hình thức)", field="--ballots")
    frame.columns = columns
    forms = frame["Hình thức"] if "Hình thức" in header else [""] * len(frame)
    votes, seen = [], {}
    for i, (code, form, yes) in enumerate(zip(frame["Mã"], forms, frame["Phiếu đồng ý"]), start=2):
        code, form, yes = str(code).strip(), str(form).strip(), str(yes).strip()
        if not code:
            raise Refused(f"{path.name}, dòng {i}, cột «Mã»: thiếu mã người (tập thể) được bỏ phiếu", field="--ballots")
        if not yes.isdigit():
            raise Refused(f"{path.name}, dòng {i}, cột «Phiếu đồng ý»: «{yes}» không phải số phiếu",
                          field="--ballots")
        if (code, form) in seen:
            column = "Hình thức" if form else "Mã"
            raise Refused(f"{path.name}, dòng {i}, cột «{column}»: «{code}»{f' — {form}' if form else ''} đã có "
                          f"phiếu ở dòng {seen[(code, form)]}", field="--ballots")
        seen[(code, form)] = i
        votes.append(rv.Vote(code, form, int(yes), f"{path.name}, dòng {i}"))
    return rv.Ballots(tuple(votes), path.name)


def vote(engine: Engine, c: Campaign, votes: rv.Ballots | dict, members: int, present: int, written: int,
         voted_on: date) -> list[models.Ballot]:
    """Record the council's ballot: ``votes`` read from a ballot file, or «đồng ý» counts per (nominee, form)
    or per nominee (each put to the council for one form)."""
    try:
        return rv.record_votes(engine, c, votes, members, present, written, voted_on)
    except rv.QuorumNotMet as e:
        raise Refused(str(e), field="--present") from None
    except ValueError as e:
        raise Refused(str(e), field="--ballots") from None


def decide(engine: Engine, c: Campaign, year: int, decision_no: str = "") -> rv.Decision:
    within_period(c, year)
    try:  # the province's principles, said as such: below, a ValueError is the campaign's
        rv.principles()
    except ValueError as e:
        raise Refused(str(e)) from None
    try:
        return rv.decide(engine, c, year, decision_no or "…/QĐ-UBND", decided_day(engine, c, year))
    except ValueError as e:
        raise NotFound(str(e), field="CAMPAIGN") from None


@dataclass(frozen=True)
class Council:
    members: int = 9
    present: int = 8
    written: int = 1  # absent members voting in writing


def review(engine: Engine, c: Campaign, year: int, votes: rv.Ballots | dict | None, council: Council,
           decision_no: str, fmt: str, out: Path) -> rv.Decision:
    """Every step of the review, in order, and its documents. Without ballots, every member present or
    writing votes yes for each nominee and form inside the quota (a rehearsal the office then replaces).
    A council short of its quorum, or a year outside the campaign's, is refused before anything is written.
    The paths written, with the seats the decision left to the council (``undecided``) and the nominees it
    passed over (``held_back``)."""
    within_period(c, year)
    try:
        rv.check_session(council.members, council.present, council.written,
                         votes.source if isinstance(votes, rv.Ballots) else "Hội đồng")
    except rv.QuorumNotMet as e:
        raise Refused(str(e), field="--present") from None
    except ValueError as e:
        raise Refused(str(e), field="--written") from None
    register(engine, c, year)
    nominations = nominate(engine, c, year)
    if votes is None:
        votes = {(code, r["form"]): council.present + council.written
                 for frame in (nominations.individuals, nominations.collectives)
                 for code, r in frame[frame["within_quota"]].iterrows()}
    voted_on = date(year, 12, 10)
    vote(engine, c, votes, council.members, council.present, council.written, voted_on)
    decision = decide(engine, c, year, decision_no)
    return rv.Decision([write(doc, out, name, fmt) for name, doc in review_documents(engine, c, year)],
                       decision.undecided, decision.held_back)


def review_documents(engine: Engine, c: Campaign, year: int) -> list[tuple[str, Document]]:
    """The registration list, the council minutes, the proposal and the decision, from what is recorded."""
    try:
        units = rv.scope_units(engine, c)
    except ValueError as e:
        raise NotFound(str(e), field="CAMPAIGN") from None
    with Session(engine) as s:
        row = s.scalars(select(models.Campaign).where(models.Campaign.code == c.id)).one_or_none()
        if row is None:
            raise NotFound(f"phong trào «{c.id}» chưa được phát động (cchc emulation launch {c.id})")
        names = dict(s.execute(select(models.Person.code, models.Person.full_name)).all())
        units_of = dict(s.execute(select(models.Person.code, models.Unit.name)
                                  .join(models.Unit, models.Unit.id == models.Person.unit_id)).all())
        regs = s.scalars(select(models.Registration).where(models.Registration.campaign_id == row.id)).all()
        ballots = s.scalars(select(models.Ballot).where(models.Ballot.campaign_id == row.id)
                            .order_by(models.Ballot.id)).all()
        nominations = s.scalars(select(models.Nomination).where(models.Nomination.campaign_id == row.id)
                                .order_by(models.Nomination.participant_kind.desc(), models.Nomination.rank)).all()
        awards = s.scalars(select(models.Award).where(models.Award.campaign_id == row.id)
                           .order_by(models.Award.id)).all()
    # The minutes, the proposal and the decisions list the same people in the same order, the nominations'
    # (collectives first, then by rank), so that one can be read against the other line by line.
    place = {n.participant: i for i, n in reversed(list(enumerate(nominations)))}
    kinds = {n.participant: n.participant_kind for n in nominations}
    in_order = lambda rows: sorted(rows, key=lambda r: place.get(r.participant, len(place)))  # noqa: E731
    unit_names = units["name"].to_dict()
    who = lambda code: names.get(code) or unit_names.get(code, code)  # noqa: E731
    where = lambda code: units_of.get(code) or unit_names.get(c.unit, "")  # noqa: E731
    titles, collective = for_use("person_titles"), for_use("collective_titles")
    coded = {q.code: q.form for q in c.award_forms if q.code}  # a form's own code is said by its name
    # a collective's title by the Law's name («Tập thể lao động xuất sắc», Đ.27)
    form_text = lambda f: coded.get(f) or (collective if f in collective.titles else titles).label_of(f)  # noqa: E731
    # a ballot stored under the title a quota rests on is the council's vote on that quota's form, named as the
    # proposal and the decision name it
    proposed = lambda f: decided_name(_award_form(c, f)) if _award_form(c, f) != f else form_text(f)  # noqa: E731
    unit_name = unit_names[c.unit]
    department = issuer(engine, c.unit)
    province = issuer(engine, department.root)
    registrations = docs.RegistrationList(_in_words(c.title), year, tuple(
        docs.Registration(who(r.participant), where(r.participant), form_text(r.aim), r.committed,
                          r.participant_kind == "tap_the") for r in regs))
    meeting = ballots[0] if ballots else None
    voted_on = meeting.voted_on if meeting else date(year, 12, 10)
    head = department.head or department.signature.name
    office = office_of(engine, department)
    secretary = office.head if office else ""
    office_name = office.name if office else f"Văn phòng {unit_name}"
    minutes = docs.CouncilMinutes(
        f"Hội đồng Thi đua - Khen thưởng {unit_name}", voted_on, unit_name,
        f"{head}, Giám đốc {unit_name}, Chủ tịch Hội đồng" if head else f"Giám đốc {unit_name}, Chủ tịch Hội đồng",
        f"{secretary}, {office_name}, Thư ký Hội đồng" if secretary else f"{office_name}, Thư ký Hội đồng",
        meeting.members if meeting else 0, meeting.present if meeting else 0, meeting.written if meeting else 0,
        tuple(docs.Ballot(who(b.participant), proposed(b.form), b.yes, b.members, rv.needed(b.form), b.passed,
                          collective=kinds.get(b.participant) == "tap_the")
              for b in in_order(ballots)))
    passed = {(b.participant, b.form) for b in ballots if b.passed}
    campaign_words = _in_words(c.title)
    to_province = [n for n in nominations if (n.participant, n.form) in passed
                   and decided_by(_award_form(c, n.form)) == "tinh"]
    proposal = docs.Proposal(
        f"Ủy ban nhân dân tỉnh {province.province}", campaign_words,
        bases(department, "to_trinh_khen_thuong", voted_on, year),
        tuple(docs.Nominee(who(n.participant), where(n.participant),
                           decided_name(_award_form(c, n.form)), n.achievements, n.participant_kind == "tap_the")
              for n in to_province),
        ("Biên bản họp xét của Hội đồng Thi đua - Khen thưởng", "Báo cáo thành tích của tập thể, cá nhân"),
        via="Sở Nội vụ")
    base = lambda kind, when, to=c.recipients: frame_for(engine, c.unit, kind, when, to)  # noqa: E731
    # a proposal goes to those its «Kính gửi» names («Như trên»), and a copy is kept
    proposal_to = ("Như trên",) + (tuple(r for r in c.recipients if r.startswith("Lưu")) or ("Lưu: VT",))
    chair = Signature("CHỦ TỊCH HỘI ĐỒNG", "", head)
    clerk = Signature("THƯ KÝ", "", secretary)
    documents = [
        (f"danh-sach-dang-ky-{c.id}", docs.registration_list(registrations, base("DS", c.start))),
        (f"bien-ban-binh-xet-{c.id}", docs.council_minutes(minutes, frame_for(engine, c.unit, "BB", voted_on, (),
                                                                             signature=chair, cosign=clerk))),
    ]
    levels = {"tinh": [a for a in awards if decided_by(a.form) == "tinh"],
              "don_vi": [a for a in awards if decided_by(a.form) == "don_vi"]}
    decided_on = next((a.decided_on for a in awards), decided_day(engine, c, year))
    awarded = lambda chosen: tuple(  # noqa: E731
        docs.Award(who(a.participant), where(a.participant),
                   f"{decided_name(a.form)} "
                   f"({'tập thể' if a.participant_kind == 'tap_the' else 'cá nhân'})", a.amount,
                   a.participant_kind == "tap_the")
        for a in in_order(chosen))
    if levels["tinh"] or not levels["don_vi"]:
        documents.append((f"to-trinh-{c.id}", docs.proposal(proposal, base("TTr", voted_on, proposal_to))))
        decision = docs.AwardDecision(
            f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {province.province.upper()}",
            bases(province, "quyet_dinh_khen_thuong", decided_on, year, "tinh"),
            f"xuất sắc trong {campaign_words}", awarded(levels["tinh"]), "quỹ thi đua, khen thưởng của tỉnh",
            f"Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Giám đốc {unit_name} và các tập thể, "
            "cá nhân có tên tại Điều 1",
            proposed_by=f"Xét đề nghị của Giám đốc {unit_name} tại Tờ trình số …/TTr-{department.abbreviation} "
                        f"ngày {voted_on:%d/%m/%Y} và của Giám đốc Sở Nội vụ.")
        recipients = ("Như Điều 3", "Ban Thi đua - Khen thưởng (Sở Nội vụ)", "Lưu: VT")
        documents.append((f"quyet-dinh-khen-thuong-{c.id}", docs.award_decision(
            decision, frame_for(engine, department.root, "QĐ", decided_on, recipients,
                                signature=in_own_name(issuer(engine, department.root).signature)))))
    if levels["don_vi"]:
        decision = docs.AwardDecision(
            f"GIÁM ĐỐC {unit_name.upper()}", bases(department, "quyet_dinh_khen_thuong", decided_on, year, "don_vi"),
            f"xuất sắc trong {campaign_words}", awarded(levels["don_vi"]), f"quỹ thi đua, khen thưởng của {unit_name}",
            f"Chánh {office_name}, các phòng, đơn vị trực thuộc và các tập thể, cá nhân có tên tại Điều 1",
            proposed_by=f"Xét đề nghị của Hội đồng Thi đua - Khen thưởng {unit_name}.")
        documents.append((f"quyet-dinh-khen-thuong-so-{c.id}", docs.award_decision(
            decision, frame_for(engine, c.unit, "QĐ", decided_on, ("Như Điều 3", "Lưu: VT")))))
    return documents


def _award_form(c: Campaign, key: str) -> str:
    """The award form a nomination stored under ``key`` (a form's own code, or the title it rests on) is
    proposed for: the campaign's form whose quota it fills."""
    coded = {q.code: q.form for q in c.award_forms if q.code}
    return coded.get(key) or next((q.form for q in c.award_forms if key in (q.individual_title, q.collective_title)),
                                  key)


def interim_document(engine: Engine, c: Campaign, period_code: str) -> Document:
    """Sơ kết: where the launching unit stands on each content of the campaign by the end of the period."""
    period = calendar.parse_period(period_code)
    try:
        scored = stored(engine, find(c.rules), period.code)
    except NoScores:
        raise NotFound(f"chưa chấm điểm phong trào kỳ {period.code} (cchc score --ruleset {c.rules} "
                       f"--period {period.code})", field="--period") from None
    if c.unit not in scored.summary.index:
        raise NotFound(f"chưa có số liệu kỳ {period.code} của «{c.unit}»", field="--period")
    with Session(engine) as s:
        regs = s.execute(select(func.count(), func.sum(func.cast(models.Registration.committed, models.Integer)))
                         .join(models.Campaign).where(models.Campaign.code == c.id)).one()
    review_ctx = docs.InterimReview(c.title, period.in_sentence, int(regs[0] or 0), int(regs[1] or 0),
                                    scorecard_context(scored, c.unit))
    return docs.interim_review(review_ctx, frame_for(engine, c.unit, "BC", period.due, c.recipients))


def year_end(engine: Engine, year: int, out: Path) -> list[Path]:
    """The year's emulation step: every campaign launched this year reviewed (a rehearsal ballot in which every
    member votes yes), its launch plan, and the province's eligibility list."""
    written = []
    for name in shipped_campaigns():
        c = load_campaign(name)
        if c.start.year != year:
            continue
        written.append(write(campaign_document(engine, c), out, f"ke-hoach-thi-dua-{name}", "docx"))
        written += review(engine, c, year, None, Council(), "", "docx", out)
    listing = eligibility_document(engine, eligibility(engine, year), None, date(year, 12, 10))
    # everyone of the province in one list: its two formats take seconds each, written side by side
    written += each(lambda fmts: [write(listing, out, f"danh-sach-xet-danh-hieu-{year}", f) for f in fmts],
                    ("xlsx", "docx"))
    return written
