"""``cchc emulation …``: who is eligible for which title and why not; a campaign from launch to decision."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from cchc.shell import console, day, engine, number, period as period_code, year_option

app = typer.Typer(help="Thi đua, khen thưởng: xét điều kiện danh hiệu theo Luật Thi đua, khen thưởng 2022.",
                  no_args_is_help=True)
CAMPAIGN = Annotated[str, typer.Argument(help="Mã phong trào (emulation/campaigns/*.yaml) hoặc đường dẫn tệp.")]
FORMAT = Annotated[str, typer.Option("--format", help="docx, html, xlsx hoặc pdf.")]
OUT = Annotated[Path, typer.Option(help="Thư mục ghi văn bản.")]
BALLOTS_HELP = ("Tệp CSV kết quả bỏ phiếu: Mã, Hình thức, Phiếu đồng ý (hoặc Mã, Phiếu đồng ý khi mỗi người chỉ "
                "được đề nghị một hình thức); thiếu người được đề nghị trong chỉ tiêu là lỗi.")
YEAR_HELP = "Năm xét (mặc định: năm gần nhất có xếp loại cán bộ)."
CAMPAIGN_YEAR_HELP = "Năm xét (mặc định: năm kết thúc phong trào)."
PRESENT_HELP = "Số thành viên có mặt (chưa đủ tỷ lệ tối thiểu của emulation/thresholds.yaml thì không kiểm phiếu)."


def _campaign_year(c, year: int | None) -> int:
    """A campaign is reviewed for the year it ends in unless a year is typed (said, as every default is)."""
    if year is None:
        year = c.end.year
        console.print(f"[dim]Năm: {year} (năm kết thúc phong trào; chọn năm khác bằng --year)[/]")
    return year


@app.command()
def eligibility(
    year: Annotated[Optional[int], year_option(help=YEAR_HELP)] = None,
    person: Annotated[Optional[str], typer.Option(help="Mã cán bộ: in đủ lý do từng danh hiệu.")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Mã đơn vị (cả các phòng trực thuộc).")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Ghi danh sách: docx, html, xlsx.")] = None,
    out: OUT = Path("out"),
) -> None:
    """Xét điều kiện danh hiệu thi đua, hình thức khen thưởng cho mọi người (hoặc một người), kèm lý do."""
    from rich.markup import escape
    from rich.table import Table

    from office.emulation import RATING_LABEL, eligibility_document, eligible
    from office.outputs import write

    from cchc.years import year_or_latest
    from office.emulation import latest_year

    year = year_or_latest(year, latest_year, "xếp loại cán bộ")
    result = eligible(engine(), year)
    if result.out_of_force:
        console.print(f"[yellow]Lưu ý:[/] {escape(result.out_of_force)}.")
    if person:
        if person not in result.frame.index:
            raise typer.BadParameter(f"không có xếp loại năm {year} của «{person}»", param_hint="--person")
        row = result.table().loc[person]
        console.print(f"[bold]{row['name']}[/] — {row['position']}, {row['unit_name']}; xếp loại {year}: "
                      f"{RATING_LABEL.get(int(row['xep_loai']), '–')}")
        for title, why in result.reasons(person).items():
            mark = (f"[green]đủ điều kiện[/] {escape(result.grounds(person, title))}" if not why
                    else "[red]chưa đủ điều kiện[/]: " + "; ".join(why))
            console.print(f"• {result.label(title)}: {mark}")
        for name, why in result.not_assessed(person).items():
            console.print(f"[yellow]Chưa đánh giá được[/] «{result.ruleset.label_of(name)}»: {why}")
        return
    table = Table(title=f"Số người đủ điều kiện năm {year}{' — ' + unit if unit else ''}")
    table.add_column("Danh hiệu, hình thức")
    table.add_column("Số người", justify="right")
    document = eligibility_document(engine(), result, unit, date(year, 12, 10))
    for name, n in document.tables["tong_hop"].rows:
        table.add_row(name, str(n))
    console.print(table)
    if fmt:
        name = f"danh-sach-xet-danh-hieu-{unit or 'tinh'}-{year}"
        console.print(f"Đã ghi {write(document, out, name, fmt)}")


@app.command("campaign-plan")
def campaign_plan(campaign: CAMPAIGN = "skhcn-ninh-thuan-2024", fmt: FORMAT = "docx", out: OUT = Path("out")) -> None:
    """Kế hoạch phát động phong trào thi đua (như kế hoạch của Sở KH&CN Ninh Thuận năm 2024)."""
    from office import emulation as em
    from office.outputs import write

    document = em.campaign_document(engine(), em.campaign(campaign))
    console.print(f"Đã ghi {write(document, out, f'ke-hoach-thi-dua-{campaign}', fmt)}")


@app.command()
def review(
    campaign: CAMPAIGN = "skhcn-ninh-thuan-2024",
    year: Annotated[Optional[int], year_option(help=CAMPAIGN_YEAR_HELP)] = None,
    ballots: Annotated[Optional[Path], typer.Option(help=BALLOTS_HELP)] = None,
    members: Annotated[int, typer.Option(help="Tổng số thành viên Hội đồng.", min=1)] = 9,
    present: Annotated[int, typer.Option(help=PRESENT_HELP, min=0)] = 8,
    written: Annotated[int, typer.Option(help="Số thành viên vắng mặt có ý kiến bằng văn bản.", min=0)] = 1,
    decision_no: Annotated[str, typer.Option(help="Số quyết định khen thưởng.")] = "",
    fmt: FORMAT = "docx",
    out: OUT = Path("out"),
) -> None:
    """Bình xét cuối năm của một phong trào: phát động, đăng ký, đề cử theo chỉ tiêu, bỏ phiếu, quyết định,
    và các văn bản (danh sách đăng ký, biên bản, tờ trình, quyết định)."""
    from office import emulation as em

    c = em.campaign(campaign)
    year = _campaign_year(c, year)
    votes = em.read_ballots(ballots) if ballots else None
    with console.status("Bình xét…"):
        paths = em.review(engine(), c, year, votes, em.Council(members, present, written), decision_no, fmt, out)
    for path in paths:
        console.print(f"Đã ghi {path}")
    _undecided(paths.undecided, paths.held_back)


def _undecided(seats: list[str], held_back: list[str] = ()) -> None:
    from rich.markup import escape

    for text in seats:
        console.print(f"[yellow]Chưa quyết định:[/] {escape(text)}")
    for text in held_back:
        console.print(f"[yellow]Không khen thưởng:[/] {escape(text)}")


@app.command()
def interim(
    campaign: CAMPAIGN = "skhcn-ninh-thuan-2024",
    period: Annotated[str, typer.Option(help="Kỳ sơ kết.")] = "6 tháng 2024",
    fmt: FORMAT = "docx",
    out: OUT = Path("out"),
) -> None:
    """Sơ kết phong trào: kết quả từng nội dung thi đua của đơn vị phát động đến hết kỳ (theo điểm đã chấm)."""
    from office import emulation as em
    from office.outputs import write

    c, code = em.campaign(campaign), period_code(period)
    console.print(f"Đã ghi {write(em.interim_document(engine(), c, code), out, f'so-ket-{c.id}-{code}', fmt)}")


@app.command()
def launch(campaign: CAMPAIGN) -> None:
    """Phát động: ghi phong trào (kế hoạch, thời gian, hình thức khen thưởng đăng ký) vào hệ thống."""
    from office import emulation as em

    c = em.campaign(campaign)
    em.launch(engine(), c)
    console.print(f"Đã phát động «{c.title}» ({c.start:%d/%m/%Y} – {c.end:%d/%m/%Y}).")


@app.command()
def register(campaign: CAMPAIGN, year: Annotated[Optional[int], year_option(help=CAMPAIGN_YEAR_HELP)] = None) -> None:
    """Đăng ký thi đua và ký cam kết cho mọi người và mọi phòng của đơn vị phát động."""
    from office import emulation as em

    c = em.campaign(campaign)
    console.print(f"Đã ghi {em.register(engine(), c, _campaign_year(c, year))} lượt đăng ký thi đua.")


@app.command()
def nominate(campaign: CAMPAIGN, year: Annotated[Optional[int], year_option(help=CAMPAIGN_YEAR_HELP)] = None) -> None:
    """Xếp thứ tự đề nghị theo chỉ tiêu khen thưởng (ưu tiên khi bằng thành tích theo NĐ 152/2025)."""
    from rich.table import Table

    from office import emulation as em

    c = em.campaign(campaign)
    result = em.nominate(engine(), c, _campaign_year(c, year))
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
    ballots: Annotated[Path, typer.Option(help=BALLOTS_HELP)],
    members: Annotated[int, typer.Option(help="Tổng số thành viên Hội đồng.", min=1)] = 9,
    present: Annotated[int, typer.Option(help=PRESENT_HELP, min=0)] = 8,
    written: Annotated[int, typer.Option(help="Số vắng mặt có ý kiến bằng văn bản.", min=0)] = 1,
    on: Annotated[Optional[str], typer.Option(help="Ngày họp dd/mm/yyyy.")] = None,
) -> None:
    """Ghi kết quả bỏ phiếu kín theo từng người và hình thức; tỷ lệ tính trên tổng số thành viên Hội đồng;
    không kiểm phiếu khi Hội đồng họp chưa đủ số thành viên."""
    from office import emulation as em

    c = em.campaign(campaign)
    when = day(on, "--on", date(c.end.year, 12, 10))
    for b in em.vote(engine(), c, em.read_ballots(ballots), members, present, written, when):
        console.print(f"{b.participant} ({b.form}): {b.yes}/{b.members} phiếu đồng ý → "
                      f"{'đạt' if b.passed else 'không đạt'}")


@app.command()
def decide(
    campaign: CAMPAIGN,
    year: Annotated[Optional[int], year_option(help=CAMPAIGN_YEAR_HELP)] = None,
    decision_no: Annotated[str, typer.Option(help="Số quyết định.")] = "",
) -> None:
    """Quyết định khen thưởng những người đạt, trong chỉ tiêu; ghi làm lịch sử cho năm sau."""
    from office import emulation as em

    c = em.campaign(campaign)
    decision = em.decide(engine(), c, _campaign_year(c, year), decision_no)
    for a in decision:
        console.print(f"{a.participant}: {a.form}, {number(a.amount)} đồng")
    _undecided(decision.undecided, decision.held_back)


# --- The council's voting sessions in the portal («cchc emulation hoi-dong …»), as the office -------------------

council = typer.Typer(help="Phiên bỏ phiếu kín của Hội đồng Thi đua - Khen thưởng trên cổng (cchc serve).",
                      no_args_is_help=True)
app.add_typer(council, name="hoi-dong")


@council.command("mo")
def council_open(
    campaign: CAMPAIGN,
    members: Annotated[str, typer.Option(help="Tên đăng nhập các thành viên Hội đồng tham gia, cách nhau bởi dấu "
                                              "phẩy (tài khoản vai trò hoi_dong); số thành viên là tổng số của Hội đồng.")],
    meeting: Annotated[str, typer.Option(help="Ngày họp dd/mm/yyyy.")],
    closes: Annotated[str, typer.Option(help="Phiên kết thúc lúc «dd/mm/yyyy hh:mm» (chỉ ngày: cuối ngày đó).")],
    year: Annotated[Optional[int], year_option(help="Năm xét (mặc định: năm kết thúc phong trào).")] = None,
) -> None:
    """Mở phiên bỏ phiếu trên cổng cho danh sách đề nghị trong chỉ tiêu của phong trào."""
    from office import accounts
    from office import council as cl

    sid = cl.open_session(engine(), accounts.SYSTEM, campaign, members, meeting, closes, year)
    console.print(f"Đã mở phiên bỏ phiếu số {sid}: thành viên vào cổng, mục «Hội đồng thi đua», để đọc hồ sơ và "
                  "bỏ phiếu.")


@council.command("dong")
def council_close(session: Annotated[str, typer.Argument(help="Số phiên.")]) -> None:
    """Kết thúc phiên: kiểm tra số thành viên có mặt, áp dụng tỷ lệ từng hình thức, ghi kết quả bỏ phiếu."""
    from office import accounts
    from office import council as cl

    _print_session(cl.close_session(engine(), accounts.SYSTEM, session))


@council.command("tinh-trang")
def council_status(session: Annotated[Optional[str], typer.Argument(help="Số phiên (bỏ trống: mọi phiên).")] = None
                   ) -> None:
    """Các phiên bỏ phiếu, hoặc một phiên: ai đã bỏ phiếu (không ai chọn gì), kết quả khi đã kết thúc."""
    from office import accounts
    from office import council as cl

    if session:
        _print_session(cl.view(engine(), accounts.SYSTEM, session))
        return
    for p in cl.sessions(engine(), accounts.SYSTEM):
        console.print(f"Phiên {p.id} — {p.campaign}: họp {p.meeting_on:%d/%m/%Y}, kết thúc {p.closes_at:%d/%m/%Y %H:%M}, "
                      f"{p.members} thành viên, {p.items} đề nghị — {p.state_label}")


def _print_session(s) -> None:
    from office import council as cl

    console.print(f"Phiên {s.id} — {s.title} (năm {s.year}): {s.state_label}; {s.voted_so_far}/{s.members} thành "
                  "viên đã bỏ phiếu")
    for m in s.roster:
        console.print(f"  {m.full_name} ({m.username}): {cl.MODES.get(m.mode, 'chưa bỏ phiếu')}, "
                      f"{m.voted}/{len(s.items)} phiếu")
    if s.reason:
        console.print(f"[red]Không hợp lệ:[/] {s.reason}")
    if s.present is not None and s.state == "dong":
        console.print(f"Có mặt {s.present}, ý kiến bằng văn bản {s.written}, tổng số {s.members} thành viên")
        for i in s.items:
            console.print(f"  {i.name} ({i.code}) — {i.form}: {i.outcome.yes}/{i.outcome.members} đồng ý, cần "
                          f"{i.outcome.needed} → {'đạt' if i.outcome.passed else 'không đạt'}")
