"""``cchc emulation …``: who is eligible for which title and why not; a campaign from launch to decision."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from cchc.fmt import number

app = typer.Typer(help="Thi đua, khen thưởng: xét điều kiện danh hiệu theo Luật Thi đua, khen thưởng 2022.",
                  no_args_is_help=True)
RATING_LABEL = {4: "HTXSNV", 3: "HTTNV", 2: "HTNV", 1: "KHTNV"}


def eligibility_document(engine, result, unit: str | None, issued: date):
    """The eligibility list as a document of the unit (or the Department of Home Affairs for all)."""
    from cchc.report_context import PROVINCE_OFFICE, frame_for
    from reports import documents as docs

    table = result.table()
    if unit:
        table = table[(table["unit"] == unit) | table["unit"].str.startswith(f"{unit}-")]
    titles = result.ruleset.titles
    rows = []
    for person, r in table.sort_values(["unit", "name"]).iterrows():
        reached = [result.label(t) for t in titles if r[t]]
        missing = [t for t in titles if not r[t]]
        nxt = missing[0] if missing else None
        why = "; ".join(result.reasons(person)[nxt]) if nxt else ""
        rows.append(docs.EligibleRow(r["name"], r["unit_name"], RATING_LABEL.get(int(r["xep_loai"]), "–")
                                     if r["xep_loai"] == r["xep_loai"] else "–",
                                     ", ".join(reached) or "–", result.label(nxt) if nxt else "–", why))
    counts = tuple((result.label(t), int(table[t].sum())) for t in titles)
    context = docs.EligibilityList(result.year, unit or "toàn tỉnh", counts, tuple(rows), result.ruleset.reference)
    frame = frame_for(engine, unit or PROVINCE_OFFICE, "DS", issued, ("Hội đồng Thi đua - Khen thưởng", "Lưu: VT"))
    return docs.eligibility_list(context, frame)


@app.command()
def eligibility(
    year: Annotated[int, typer.Option(help="Năm xét.")] = 2024,
    person: Annotated[Optional[str], typer.Option(help="Mã cán bộ: in đủ lý do từng danh hiệu.")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Mã đơn vị (cả các phòng trực thuộc).")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Ghi danh sách: docx, html, xlsx.")] = None,
    out: Annotated[Path, typer.Option(help="Thư mục ghi danh sách.")] = Path("out"),
) -> None:
    """Xét điều kiện danh hiệu thi đua, hình thức khen thưởng cho mọi người (hoặc một người), kèm lý do."""
    from cchc.cli import _engine, console
    from cchc.report_cli import write
    from emulation.eligibility import eligibility as evaluate_eligibility

    engine = _engine()
    result = evaluate_eligibility(engine, year)
    if person:
        if person not in result.frame.index:
            raise typer.BadParameter(f"không có xếp loại năm {year} của «{person}»", param_hint="--person")
        row = result.table().loc[person]
        console.print(f"[bold]{row['name']}[/] — {row['position']}, {row['unit_name']}; xếp loại {year}: "
                      f"{RATING_LABEL.get(int(row['xep_loai']), '–')}")
        for title, why in result.reasons(person).items():
            mark = "[green]đủ điều kiện[/]" if not why else "[red]chưa đủ điều kiện[/]: " + "; ".join(why)
            console.print(f"• {result.label(title)}: {mark}")
        return
    table = Table(title=f"Số người đủ điều kiện năm {year}{' — ' + unit if unit else ''}")
    table.add_column("Danh hiệu, hình thức")
    table.add_column("Số người", justify="right")
    document = eligibility_document(engine, result, unit, date(year, 12, 10))
    for name, n in document.tables["tong_hop"].rows:
        table.add_row(name, str(n))
    console.print(table)
    if fmt:
        name = f"danh-sach-xet-danh-hieu-{unit or 'tinh'}-{year}"
        console.print(f"Đã ghi {write(document, out, name, fmt)}")


@app.command("campaign-plan")
def campaign_plan(
    campaign: Annotated[str, typer.Argument(help="Mã phong trào (emulation/campaigns/*.yaml) hoặc đường dẫn tệp.")]
    = "skhcn-ninh-thuan-2024",
    fmt: Annotated[str, typer.Option("--format", help="docx, html, xlsx hoặc pdf.")] = "docx",
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
) -> None:
    """Kế hoạch phát động phong trào thi đua (như kế hoạch của Sở KH&CN Ninh Thuận năm 2024)."""
    from cchc.cli import _engine, console
    from cchc.report_cli import write

    console.print(f"Đã ghi {write(campaign_document(_engine(), campaign), out, f'ke-hoach-thi-dua-{campaign}', fmt)}")


def campaign_document(engine, name: str):
    from cchc.report_context import frame_for
    from emulation.campaigns import load_campaign
    from reports import documents as docs
    from store import models
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    c = load_campaign(name)
    with Session(engine) as s:
        unit_name = s.scalar(select(models.Unit.name).where(models.Unit.code == c.unit))
    if unit_name is None:
        raise typer.BadParameter(f"đơn vị phát động «{c.unit}» chưa có trong danh mục", param_hint="CAMPAIGN")
    frame = frame_for(engine, c.unit, "KH", c.start, c.recipients)
    return docs.campaign_plan(c.plan(unit_name), frame)


def _campaign(name: str):
    from emulation.campaigns import load_campaign

    try:
        return load_campaign(name)
    except FileNotFoundError:
        raise typer.BadParameter(f"không có phong trào «{name}»", param_hint="CAMPAIGN") from None


CAMPAIGN = Annotated[str, typer.Argument(help="Mã phong trào (emulation/campaigns/*.yaml) hoặc đường dẫn tệp.")]


@app.command()
def review(
    campaign: CAMPAIGN = "skhcn-ninh-thuan-2024",
    year: Annotated[int, typer.Option(help="Năm xét.")] = 2024,
    ballots: Annotated[Optional[Path], typer.Option(help="Tệp CSV kết quả bỏ phiếu: Mã, Phiếu đồng ý.")] = None,
    members: Annotated[int, typer.Option(help="Tổng số thành viên Hội đồng.", min=1)] = 9,
    present: Annotated[int, typer.Option(help="Số thành viên có mặt.", min=0)] = 8,
    written: Annotated[int, typer.Option(help="Số thành viên vắng mặt có ý kiến bằng văn bản.", min=0)] = 1,
    decision_no: Annotated[str, typer.Option(help="Số quyết định khen thưởng.")] = "",
    fmt: Annotated[str, typer.Option("--format", help="docx, html, xlsx hoặc pdf.")] = "docx",
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
) -> None:
    """Bình xét cuối năm của một phong trào: phát động, đăng ký, đề cử theo chỉ tiêu, bỏ phiếu, quyết định,
    và các văn bản (danh sách đăng ký, biên bản, tờ trình, quyết định)."""
    from cchc.cli import _engine, console

    engine = _engine()
    c = _campaign(campaign)
    votes = _read_ballots(ballots) if ballots else None
    written_paths = run_review(engine, c, year, votes, members, present, written, decision_no, fmt, out)
    for path in written_paths:
        console.print(f"Đã ghi {path}")


def _read_ballots(path: Path) -> dict[str, int]:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    if list(frame.columns[:2]) != ["Mã", "Phiếu đồng ý"]:
        raise typer.BadParameter(f"{path.name}: dòng tiêu đề phải là «Mã, Phiếu đồng ý»", param_hint="--ballots")
    out = {}
    for i, (code, yes) in enumerate(zip(frame["Mã"], frame["Phiếu đồng ý"]), start=2):
        if not str(yes).isdigit():
            raise typer.BadParameter(f"{path.name}, dòng {i}, cột «Phiếu đồng ý»: «{yes}» không phải số phiếu",
                                     param_hint="--ballots")
        out[code] = int(yes)
    return out


def run_review(engine, c, year, votes, members, present, written, decision_no, fmt, out) -> list[Path]:
    """Every step of the review, in order, and its documents. Without ballots, every member present or
    writing votes yes for the nominees inside the quota (a rehearsal the office then replaces)."""
    from datetime import date as day

    from cchc.report_cli import write
    from emulation import review as rv
    from rules.ruleset import find

    rv.launch(engine, c)
    rv.register_all(engine, c, year)
    from cchc import report_context as ctx

    scored = ctx.score(engine, find(c.rules), year)
    level = rv.CLASS_LEVEL.get(scored.summary.loc[c.unit, "xep_loai"], 1.0) if c.unit in scored.summary.index else 1.0
    nominations = rv.nominate(engine, c, year, level)
    if votes is None:
        inside = list(nominations.individuals[nominations.individuals["within_quota"]].index) + \
            list(nominations.collectives[nominations.collectives["within_quota"]].index)
        votes = {code: present + written for code in inside}
    voted_on = day(year, 12, 10)
    ballots = rv.record_votes(engine, c, votes, members, present, written, voted_on)
    awards = rv.decide(engine, c, year, decision_no or "…/QĐ-UBND", day(year, 12, 20))
    documents = review_documents(engine, c, year, nominations, ballots, awards, members, present, written, voted_on)
    return [write(doc, out, name, fmt) for name, doc in documents]


def review_documents(engine, c, year, nominations, ballots, awards, members, present, written, voted_on):
    from datetime import date as day

    from cchc.report_context import frame_for
    from emulation.review import scope_units
    from reports import documents as docs
    from store import models
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    units = scope_units(engine, c)
    with Session(engine) as s:
        names = dict(s.execute(select(models.Person.code, models.Person.full_name)).all())
        units_of = dict(s.execute(select(models.Person.code, models.Unit.name)
                                  .join(models.Unit, models.Unit.id == models.Person.unit_id)).all())
        regs = s.scalars(select(models.Registration).join(models.Campaign)
                         .where(models.Campaign.code == c.id)).all()
    unit_names = units["name"].to_dict()
    who = lambda code: names.get(code) or unit_names.get(code, code)  # noqa: E731
    where = lambda code: units_of.get(code) or unit_names.get(c.unit, "")  # noqa: E731
    label = nominations.eligibility.label
    collective_label = {"tap_the_lao_dong_xuat_sac": "Tập thể (thành tích xuất sắc)"}
    form_text = lambda f: collective_label.get(f) or label(f)  # noqa: E731
    unit_name = unit_names[c.unit]
    registrations = docs.RegistrationList(c.title, year, tuple(
        docs.Registration(who(r.participant), where(r.participant), form_text(r.aim), r.committed) for r in regs))
    minutes = docs.CouncilMinutes(f"Hội đồng Thi đua - Khen thưởng {unit_name}", voted_on, unit_name,
                                  f"Giám đốc {unit_name}", f"Chánh Văn phòng {unit_name}", members, present, written,
                                  tuple(docs.Ballot(who(b.participant), c.award_forms[0].form, b.yes, b.members,
                                                    b.threshold) for b in ballots))
    passed = {b.participant for b in ballots if b.passed}
    both = [(code, r) for frame in (nominations.collectives, nominations.individuals)
            for code, r in frame.iterrows() if code in passed]
    proposal = docs.Proposal("Chủ tịch UBND tỉnh", c.title.lower().replace("phát động phong trào", "phong trào"),
                             (c.criteria_basis,),
                             tuple(docs.Nominee(who(code), where(code), c.award_forms[0].form, r["achievements"])
                                   for code, r in both),
                             ("Biên bản họp xét của Hội đồng Thi đua - Khen thưởng", "Báo cáo thành tích"))
    decision = docs.AwardDecision(
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", ("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",
                                         "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ;"),
        f"xuất sắc trong {c.title.lower().replace('phát động ', '')}",
        tuple(docs.Award(who(a.participant), where(a.participant), f"{a.form} ({'tập thể' if a.participant_kind == 'tap_the' else 'cá nhân'})",
                         a.amount) for a in awards),
        "quỹ thi đua, khen thưởng của tỉnh", f"Giám đốc Sở Nội vụ, {unit_name} và các tập thể, cá nhân có tên tại Điều 1")
    base = lambda kind, when: frame_for(engine, c.unit, kind, when, c.recipients)  # noqa: E731
    return [
        (f"danh-sach-dang-ky-{c.id}", docs.registration_list(registrations, base("DS", c.start))),
        (f"bien-ban-binh-xet-{c.id}", docs.council_minutes(minutes, base("BB", voted_on))),
        (f"to-trinh-{c.id}", docs.proposal(proposal, base("TTr", voted_on))),
        (f"quyet-dinh-khen-thuong-{c.id}", docs.award_decision(decision, base("QĐ", day(year, 12, 20)))),
    ]


@app.command()
def interim(
    campaign: CAMPAIGN = "skhcn-ninh-thuan-2024",
    period: Annotated[str, typer.Option(help="Kỳ sơ kết.")] = "6 tháng 2024",
    fmt: Annotated[str, typer.Option("--format", help="docx, html, xlsx hoặc pdf.")] = "docx",
    out: Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")] = Path("out"),
) -> None:
    """Sơ kết phong trào: kết quả từng nội dung thi đua của đơn vị phát động đến hết kỳ."""
    from cchc.cli import _engine, console
    from cchc.report_cli import write
    from store import calendar

    try:
        code = calendar.parse_period(period).code
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--period") from None
    c = _campaign(campaign)
    document = interim_document(_engine(), c, code)
    console.print(f"Đã ghi {write(document, out, f'so-ket-{c.id}-{code}', fmt)}")


def interim_document(engine, c, period_code: str):
    from cchc import report_context as ctx
    from emulation import review as rv
    from reports import documents as docs
    from rules.ruleset import find
    from store import calendar, models
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    period = calendar.parse_period(period_code)
    rv.launch(engine, c)
    scored = ctx.score_period(engine, find(c.rules), period.code)
    if c.unit not in scored.summary.index:
        raise typer.BadParameter(f"chưa có số liệu kỳ {period.code} của «{c.unit}»", param_hint="--period")
    with Session(engine) as s:
        regs = s.execute(select(func.count(), func.sum(func.cast(models.Registration.committed, models.Integer)))
                         .join(models.Campaign).where(models.Campaign.code == c.id)).one()
    review = docs.InterimReview(c.title, period.in_sentence, int(regs[0] or 0), int(regs[1] or 0),
                                ctx.scorecard_context(scored, c.unit))
    return docs.interim_review(review, ctx.frame_for(engine, c.unit, "BC", period.due, c.recipients))


@app.command()
def launch(campaign: CAMPAIGN) -> None:
    """Phát động: ghi phong trào (kế hoạch, thời gian, hình thức khen thưởng đăng ký) vào hệ thống."""
    from cchc.cli import _engine, console
    from emulation.review import launch as record

    c = _campaign(campaign)
    record(_engine(), c)
    console.print(f"Đã phát động «{c.title}» ({c.start:%d/%m/%Y} – {c.end:%d/%m/%Y}).")


@app.command()
def register(campaign: CAMPAIGN, year: Annotated[int, typer.Option(help="Năm.")] = 2024) -> None:
    """Đăng ký thi đua và ký cam kết cho mọi người và mọi phòng của đơn vị phát động."""
    from cchc.cli import _engine, console
    from emulation.review import register_all

    console.print(f"Đã ghi {register_all(_engine(), _campaign(campaign), year)} lượt đăng ký thi đua.")


@app.command()
def nominate(campaign: CAMPAIGN, year: Annotated[int, typer.Option(help="Năm.")] = 2024) -> None:
    """Xếp thứ tự đề nghị theo chỉ tiêu khen thưởng (ưu tiên khi bằng thành tích theo NĐ 152/2025)."""
    from cchc import report_context as ctx
    from cchc.cli import _engine, console
    from emulation import review as rv
    from rules.ruleset import find

    engine, c = _engine(), _campaign(campaign)
    rv.launch(engine, c)
    scored = ctx.score(engine, find(c.rules), year)
    level = rv.CLASS_LEVEL.get(scored.summary.loc[c.unit, "xep_loai"], 1.0) if c.unit in scored.summary.index else 1.0
    result = rv.nominate(engine, c, year, level)
    for label, frame in (("Cá nhân", result.individuals), ("Tập thể", result.collectives)):
        table = Table(title=f"{label}: thứ tự đề nghị")
        for col in ("Hạng", "Mã", "Tên", "Trong chỉ tiêu", "Ghi chú"):
            table.add_column(col)
        for code, r in frame.head(10).iterrows():
            table.add_row(str(r["rank"]), code, str(r["name"]), "có" if r["within_quota"] else "", r["note"])
        console.print(table)


@app.command()
def vote(
    campaign: CAMPAIGN,
    ballots: Annotated[Path, typer.Option(help="Tệp CSV kết quả bỏ phiếu: Mã, Phiếu đồng ý.")],
    members: Annotated[int, typer.Option(help="Tổng số thành viên Hội đồng.", min=1)] = 9,
    present: Annotated[int, typer.Option(help="Số thành viên có mặt.", min=0)] = 8,
    written: Annotated[int, typer.Option(help="Số vắng mặt có ý kiến bằng văn bản.", min=0)] = 1,
    on: Annotated[Optional[str], typer.Option(help="Ngày họp dd/mm/yyyy.")] = None,
) -> None:
    """Ghi kết quả bỏ phiếu kín; tỷ lệ tính trên tổng số thành viên Hội đồng."""
    from cchc.cli import _engine, console
    from cchc.options import day
    from emulation.review import record_votes

    c = _campaign(campaign)
    when = day(on, "--on", date(c.end.year, 12, 10))
    try:
        results = record_votes(_engine(), c, _read_ballots(ballots), members, present, written, when)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    for b in results:
        console.print(f"{b.participant}: {b.yes}/{b.members} phiếu đồng ý → {'đạt' if b.passed else 'không đạt'}")


@app.command()
def decide(
    campaign: CAMPAIGN,
    year: Annotated[int, typer.Option(help="Năm.")] = 2024,
    decision_no: Annotated[str, typer.Option(help="Số quyết định.")] = "",
) -> None:
    """Quyết định khen thưởng những người đạt, trong chỉ tiêu; ghi làm lịch sử cho năm sau."""
    from cchc.cli import _engine, console
    from emulation.review import decide as record

    c = _campaign(campaign)
    for a in record(_engine(), c, year, decision_no or "…/QĐ-UBND", date(year, 12, 20)):
        console.print(f"{a.participant}: {a.form}, {number(a.amount)} đồng")
