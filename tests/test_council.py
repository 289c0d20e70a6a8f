"""The emulation council voting in the portal, at the office's level (office/council.py): a session on three
nominees with members voting in the meeting and in writing, the outcome stored as the campaign's ballots and
read back by the minutes; the 80% rule applied to all members; a session short of its quorum; every refusal
with nothing written; and the secret ballot — the same votes cast by members who swapped their choices leave
the same store, the same audit log and the same pages."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from emulation.campaigns import CAMPAIGNS
from office import accounts, audit
from office import council as cl
from office import emulation as em
from office.errors import Forbidden, Refused
from office.outputs import write
from store import models
from store.db import make_engine, upgrade

PASSWORD = "mat-khau-hoi-dong-1"
OPENED = datetime(2024, 12, 2, 8, 0)
MEETING = date(2024, 12, 10)
CLOSES = datetime(2024, 12, 10, 17, 0)
BEFORE = datetime(2024, 12, 9, 15, 0)  # written opinions come in before the meeting
AT_MEETING = datetime(2024, 12, 10, 9, 30)
AFTER = datetime(2024, 12, 10, 17, 0)


def campaign_file(folder) -> str:
    """The shipped campaign with one form voted by the 80% rule (Chiến sĩ thi đua cơ sở) for three people."""
    raw = yaml.safe_load((CAMPAIGNS / "skhcn-ninh-thuan-2024.yaml").read_text(encoding="utf-8"))
    raw["id"] = "hoi-dong-truc-tuyen-2024"
    raw["award_forms"] = [{"form": "Chiến sĩ thi đua cơ sở", "collectives": 0, "individuals": 3,
                           "individual_title": "chien_si_thi_dua_co_so",
                           "collective_title": "tap_the_lao_dong_xuat_sac"}]
    path = folder / "hoi-dong-truc-tuyen-2024.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


def members(engine, n: int, prefix: str = "hd") -> list[accounts.Actor]:
    made = []
    for i in range(1, n + 1):
        name = f"{prefix}{i:02d}"
        accounts.create_account(engine, accounts.SYSTEM, name, f"Thành viên {i:02d}", "hoi_dong", password=PASSWORD)
        made.append(accounts.login(engine, name, PASSWORD).actor)
    return made


def office(engine) -> accounts.Actor:
    accounts.create_account(engine, accounts.SYSTEM, "vanphong", "Văn phòng Hội đồng", "quan_tri",
                            password=PASSWORD)
    return accounts.login(engine, "vanphong", PASSWORD).actor


@pytest.fixture
def nominated(province, tmp_path):
    """The demo province with the campaign ranked (three nominees inside the quota), the office's account."""
    upgrade(province)
    ref = campaign_file(tmp_path)
    c = em.campaign(ref)
    em.register(province, c, 2024)
    inside = em.nominate(province, c, 2024).individuals
    assert int(inside["within_quota"].sum()) == 3
    return province, ref, office(province)


def items_of(engine, session_id) -> list[int]:
    with Session(engine) as s:
        return list(s.scalars(select(models.CouncilItem.id).where(models.CouncilItem.session_id == session_id)
                              .order_by(models.CouncilItem.id)))


def rows(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def vote_all(engine, sid, people, patterns, written: int):
    """Each member's pattern over the items (True: đồng ý); the last ``written`` members vote in writing the
    day before the meeting, the others in the meeting."""
    items = items_of(engine, sid)
    for i, (who, pattern) in enumerate(zip(people, patterns)):
        in_writing = i >= len(people) - written
        choices = {str(item): "dong_y" if yes else "khong_dong_y" for item, yes in zip(items, pattern)}
        assert cl.cast(engine, who, sid, "van_ban" if in_writing else "hop", choices,
                       now=BEFORE if in_writing else AT_MEETING) == len(items)


def test_ten_members_two_in_writing_three_nominees_and_the_minutes_from_the_stored_outcome(nominated, tmp_path):
    engine, ref, staff = nominated
    people = members(engine, 10)
    sid = cl.open_session(engine, staff, ref, [p.username for p in people], "10/12/2024", "10/12/2024 17:00",
                          now=OPENED)
    view = cl.view(engine, staff, sid, now=OPENED)
    assert view.members == 10 and len(view.items) == 3 and view.state == "mo"
    first = view.items[0]
    assert "Hoàn thành xuất sắc nhiệm vụ" in first.achievements and "Xếp loại năm 2024: HTXSNV" in first.eligibility
    assert "Chưa đủ điều kiện" in first.eligibility and first.needed == "≥ 80%" and first.form == "Chiến sĩ thi đua cơ sở"
    # ten yes; eight yes (80% of all members: passes); seven yes (70%: fails)
    patterns = [(True, True, True)] * 7 + [(True, True, False)] + [(True, False, False)] * 2
    vote_all(engine, sid, people, patterns, written=2)
    during = cl.view(engine, staff, sid, now=AT_MEETING)
    assert all(i.outcome is None for i in during.items)  # no count shown before the close
    assert [(m.username, m.mode, m.voted) for m in during.roster][-2:] == [("hd09", "van_ban", 3),
                                                                          ("hd10", "van_ban", 3)]

    closed = cl.close_session(engine, staff, sid, now=AFTER)
    assert closed.state == "dong" and (closed.present, closed.written) == (8, 2) and closed.reason == ""
    assert [(i.outcome.yes, i.outcome.no, i.outcome.passed) for i in closed.items] == \
        [(10, 0, True), (8, 2, True), (7, 3, False)]
    with Session(engine) as s:
        ballots = s.scalars(select(models.Ballot).order_by(models.Ballot.id)).all()
        assert [(b.participant, b.members, b.present, b.written, b.yes, b.threshold, b.passed, b.voted_on)
                for b in ballots] == [(i.code, 10, 8, 2, y, 80.0, p, MEETING)
                                      for i, y, p in zip(closed.items, (10, 8, 7), (True, True, False))]

    c = em.campaign(ref)
    docs = dict(em.review_documents(engine, c, 2024))
    minutes = docs[f"bien-ban-binh-xet-{c.id}"]
    assert [r[3:] for r in minutes.tables["bo_phieu"].rows] == [
        (10, 100.0, "≥ 80%", "Đạt"), (8, 80.0, "≥ 80%", "Đạt"), (7, 70.0, "≥ 80%", "Không đạt")]
    html = write(minutes, tmp_path / "out", "bien-ban", "html").read_text(encoding="utf-8")
    assert "Tổng số thành viên Hội đồng: 10; có mặt: 8; vắng mặt có ý kiến bằng văn bản: 2" in html
    assert "10/12/2024" in html or "ngày 10 tháng 12 năm 2024" in html
    data, name = cl.minutes(engine, staff, sid)
    assert name.endswith(".docx") and data[:2] == b"PK"
    awards = em.decide(engine, c, 2024)  # the decision reads the stored outcome too
    assert sorted(a.participant for a in awards) == sorted(i.code for i in closed.items[:2])


def test_seven_of_nine_is_just_under_the_80_percent_rule(nominated):
    engine, ref, staff = nominated
    people = members(engine, 9)
    sid = cl.open_session(engine, staff, ref, [p.username for p in people], MEETING, CLOSES, now=OPENED)
    patterns = [(True, True, True)] * 7 + [(True, True, False)] + [(True, False, False)]
    vote_all(engine, sid, people, patterns, written=1)
    closed = cl.close_session(engine, staff, sid, now=AFTER)
    assert (closed.present, closed.written) == (8, 1)
    assert [(i.outcome.yes, i.outcome.passed) for i in closed.items] == [(9, True), (8, True), (7, False)]
    with Session(engine) as s:  # 7/9 = 77,8% < 80%; 8/9 = 88,9%
        assert [b.passed for b in s.scalars(select(models.Ballot).order_by(models.Ballot.id))] == [True, True, False]


def test_nine_members_two_in_writing_and_seven_of_nine_fails_the_80_percent_rule(nominated, tmp_path):
    engine, ref, staff = nominated
    people = members(engine, 9)
    sid = cl.open_session(engine, staff, ref, [p.username for p in people], MEETING, CLOSES, now=OPENED)
    patterns = [(True, True, True)] * 7 + [(True, True, False)] + [(True, False, False)]
    vote_all(engine, sid, people, patterns, written=2)
    closed = cl.close_session(engine, staff, sid, now=AFTER)
    assert closed.state == "dong" and (closed.present, closed.written) == (7, 2) and closed.reason == ""
    assert [(i.outcome.yes, i.outcome.passed) for i in closed.items] == [(9, True), (8, True), (7, False)]
    minutes = dict(em.review_documents(engine, em.campaign(ref), 2024))[f"bien-ban-binh-xet-{em.campaign(ref).id}"]
    assert [(r[3], round(r[4], 1), *r[5:]) for r in minutes.tables["bo_phieu"].rows] == [
        (9, 100.0, "≥ 80%", "Đạt"), (8, 88.9, "≥ 80%", "Đạt"), (7, 77.8, "≥ 80%", "Không đạt")]
    html = write(minutes, tmp_path / "out", "bien-ban", "html").read_text(encoding="utf-8")
    assert "Tổng số thành viên Hội đồng: 9; có mặt: 7; vắng mặt có ý kiến bằng văn bản: 2" in html


def test_seven_of_nine_taking_part_is_short_of_the_quorum_and_closes_not_valid(nominated):
    engine, ref, staff = nominated
    people = members(engine, 9)
    sid = cl.open_session(engine, staff, ref, ",".join(p.username for p in people), MEETING, CLOSES, now=OPENED)
    vote_all(engine, sid, people[:7], [(True, True, True)] * 7, written=1)  # two neither came nor wrote
    closed = cl.close_session(engine, staff, sid, now=AFTER)
    assert closed.state == "khong_hop_le" and (closed.present, closed.written) == (6, 1)
    assert "không đủ số thành viên để kiểm phiếu" in closed.reason and "7/9" in closed.reason
    assert "≥ 80%" in closed.reason
    assert all(i.outcome is None for i in closed.items)  # nothing counted
    assert rows(engine, models.Ballot) == 0  # no ballot written
    with pytest.raises(Refused) as e:  # closed is closed
        cl.close_session(engine, staff, sid, now=AFTER)
    assert e.value.field == "phien"
    again = cl.open_session(engine, staff, ref, [p.username for p in people], MEETING, CLOSES, now=OPENED)
    assert again != sid  # the office may open another session


def test_refusals_write_nothing(nominated):
    engine, ref, staff = nominated
    people = members(engine, 5)
    stranger = members(engine, 1, prefix="khac")[0]
    names = [p.username for p in people]
    before = rows(engine, models.AuditEntry)

    def refused(call, *args, **kw) -> Refused:
        counts = {m: rows(engine, m) for m in (models.CouncilSession, models.CouncilItem, models.CouncilVoted,
                                               models.AuditEntry, models.Ballot)}
        with pytest.raises((Refused, Forbidden)) as e:
            call(*args, **kw)
        assert counts == {m: rows(engine, m) for m in counts}
        return e.value

    assert refused(cl.open_session, engine, people[0], ref, names, MEETING, CLOSES, now=OPENED).message.startswith(
        "thao tác này dành cho")
    assert refused(cl.open_session, engine, staff, ref, names[:2], MEETING, CLOSES, now=OPENED).field == "members"
    assert refused(cl.open_session, engine, staff, ref, names + ["vanphong"], MEETING, CLOSES,
                   now=OPENED).field == "members"
    assert refused(cl.open_session, engine, staff, ref, names + ["khongco"], MEETING, CLOSES,
                   now=OPENED).field == "members"
    assert refused(cl.open_session, engine, staff, ref, names, "32/12/2024", CLOSES, now=OPENED).field == "meeting_on"
    assert refused(cl.open_session, engine, staff, ref, names, MEETING, "09/12/2024 17:00",
                   now=OPENED).field == "meeting_on"
    assert refused(cl.open_session, engine, staff, ref, names, MEETING, CLOSES, now=AFTER).field == "closes_at"
    assert refused(cl.open_session, engine, staff, "khong-co-phong-trao", names, MEETING, CLOSES,
                   now=OPENED).field == "campaign"
    assert rows(engine, models.AuditEntry) == before

    sid = cl.open_session(engine, staff, ref, names, MEETING, CLOSES, now=OPENED)
    assert refused(cl.open_session, engine, staff, ref, names, MEETING, CLOSES, now=OPENED).field == "campaign"
    a, b, c = items_of(engine, sid)
    first = people[0]
    assert cl.cast(engine, first, sid, "hop", {str(a): "dong_y"}, now=AT_MEETING) == 1
    twice = refused(cl.cast, engine, first, sid, "hop", {str(a): "khong_dong_y", str(b): "dong_y"}, now=AT_MEETING)
    assert "đã bỏ phiếu cho" in twice.message and "không sửa được" in twice.message
    assert refused(cl.cast, engine, first, sid, "van_ban", {str(b): "dong_y"}, now=AT_MEETING).field == "mode"
    assert "ngày họp 10/12/2024" in refused(cl.cast, engine, people[1], sid, "hop", {str(a): "dong_y"},
                                            now=BEFORE).message
    assert refused(cl.cast, engine, people[1], sid, "", {str(a): "dong_y"}, now=AT_MEETING).field == "mode"
    assert refused(cl.cast, engine, people[1], sid, "hop", {str(a): "co_the"}, now=AT_MEETING).field == f"phieu_{a}"
    assert refused(cl.cast, engine, people[1], sid, "hop", {str(a): ""}, now=AT_MEETING).field == "phieu"
    assert refused(cl.cast, engine, people[1], sid, "hop", {"99999": "dong_y"}, now=AT_MEETING).field == "phieu"
    assert refused(cl.cast, engine, people[1], sid, "hop", {"²": "dong_y"}, now=AT_MEETING).field == "phieu"
    assert isinstance(refused(cl.cast, engine, stranger, sid, "hop", {str(a): "dong_y"}, now=AT_MEETING), Forbidden)
    assert isinstance(refused(cl.cast, engine, staff, sid, "hop", {str(a): "dong_y"}, now=AT_MEETING), Forbidden)
    assert isinstance(refused(cl.view, engine, stranger, sid), Forbidden)
    late = refused(cl.cast, engine, people[1], sid, "van_ban", {str(a): "dong_y"}, now=AFTER)
    assert "đã kết thúc" in late.message
    assert isinstance(refused(cl.close_session, engine, first, sid, now=AT_MEETING), Forbidden)

    cl.close_session(engine, staff, sid, now=AT_MEETING)  # the office may close before the set time
    after_close = refused(cl.cast, engine, people[2], sid, "hop", {str(c): "dong_y"}, now=AT_MEETING)
    assert after_close.field == "phien" and "không nhận thêm phiếu" in after_close.message
    with Session(engine) as s:  # one vote counted in all
        assert s.scalar(select(func.sum(models.CouncilItem.yes + models.CouncilItem.no))) == 1


def test_a_changed_list_of_nominations_closes_the_session_not_valid(nominated):
    engine, ref, staff = nominated
    people = members(engine, 3)
    sid = cl.open_session(engine, staff, ref, [p.username for p in people], MEETING, CLOSES, now=OPENED)
    with Session(engine) as s, s.begin():
        n = s.scalars(select(models.Nomination).where(models.Nomination.within_quota)).first()
        n.within_quota = False
    closed = cl.close_session(engine, staff, sid, now=AFTER)
    assert closed.state == "khong_hop_le" and "danh sách đề nghị của phong trào đã thay đổi" in closed.reason
    assert rows(engine, models.Ballot) == 0


# --- The secret ballot ------------------------------------------------------------------------------------


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, as stored (the audit log's clock aside: it says when, not what)."""
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(engine).get_table_names()):
            cols = [c["name"] for c in inspect(engine).get_columns(table)]
            keep = [c for c in cols if not (table == "audit_log" and c == "at")]
            sql = f"SELECT {', '.join(chr(34) + c + chr(34) for c in keep)} FROM \"{table}\" ORDER BY 1"
            out[table] = [tuple(r) for r in conn.execute(text(sql))]
            if engine.dialect.name == "sqlite":  # the hidden row numbers too, where the table has them
                try:
                    out[table + ".rowid"] = [r[0] for r in conn.execute(text(f'SELECT rowid FROM "{table}" ORDER BY rowid'))]
                except Exception:  # noqa: BLE001 - a table without row ids
                    pass
    return out


def test_members_who_swap_their_choices_leave_the_same_store_log_and_pages(nominated, tmp_path):
    """Two runs of one session: in the second, members 1 and 2 (and 3 and 4) have swapped their choices, so
    every item keeps its count. Were a member joined to a choice anywhere — a row, a row number, the audit
    log, a page, the minutes — the two would differ."""
    engine, ref, staff = nominated
    people = members(engine, 5)
    sid = cl.open_session(engine, staff, ref, [p.username for p in people], MEETING, CLOSES, now=OPENED)
    engine.dispose()
    source = engine.url.database
    runs = []
    first = [(True, False, True), (False, True, False), (True, True, False), (False, False, True), (True, True, True)]
    second = [first[1], first[0], first[3], first[2], first[4]]
    for n, patterns in enumerate((first, second)):
        path = tmp_path / f"run{n}.db"
        shutil.copy(source, path)
        copy = make_engine(f"sqlite:///{path}")
        vote_all(copy, sid, people, patterns, written=1)
        pages = [cl.view(copy, who, sid, now=AT_MEETING) for who in (staff, *people)]
        listed = [cl.sessions(copy, who) for who in (staff, *people)]
        closed = cl.close_session(copy, staff, sid, now=AFTER)
        after = [cl.view(copy, who, sid, now=AFTER) for who in (staff, *people)]
        log = audit.entries(copy, staff).drop(columns=["at"])
        minutes = [(name, doc.tables) for name, doc in em.review_documents(copy, em.campaign(ref), 2024)]
        runs.append((dump(copy), pages, listed, closed, after, log.to_dict("records"), repr(minutes)))
        copy.dispose()
    (store_a, *rest_a), (store_b, *rest_b) = runs
    assert store_a.keys() == store_b.keys() and "council_voted" in store_a and "council_item" in store_a
    for table in store_a:
        assert store_a[table] == store_b[table], table
    assert rest_a == rest_b
    # and the counts are the ones cast
    assert [(i.outcome.yes, i.outcome.no) for i in runs[0][3].items] == [(3, 2), (3, 2), (3, 2)]
    # nothing names a choice next to a member: the log says that they voted, and on what, never how
    votes = [r for r in runs[0][5] if r["action"] == "bo_phieu_hoi_dong"]
    assert len(votes) == 5 and not any("dong_y" in r["after"] or "Đồng ý" in r["after"] for r in votes)


def test_the_command_line_opens_shows_and_closes_a_session(nominated, tmp_path):
    from datetime import timedelta

    from cli_runner import cchc

    engine, ref, staff = nominated
    people = members(engine, 3)
    engine.dispose()
    db = Path(engine.url.database)
    today = date.today()
    short = cchc("emulation", "hoi-dong", "mo", ref, "--members", "hd01,hd02", "--meeting", f"{today:%d/%m/%Y}",
                 "--closes", f"{today + timedelta(days=1):%d/%m/%Y} 17:00", cwd=tmp_path, db=db)
    assert short.returncode == 1 and "ít nhất 3 thành viên" in " ".join(short.stderr.split())
    done = cchc("emulation", "hoi-dong", "mo", ref, "--members", "hd01,hd02,hd03", "--meeting", f"{today:%d/%m/%Y}",
                "--closes", f"{today + timedelta(days=1):%d/%m/%Y} 17:00", cwd=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    sid = int(done.stdout.split("phiên bỏ phiếu số ")[1].split(":")[0])
    [a, b, c] = items_of(engine, sid)
    cl.cast(engine, people[0], sid, "hop", {str(a): "dong_y", str(b): "khong_dong_y", str(c): "dong_y"})
    status = cchc("emulation", "hoi-dong", "tinh-trang", str(sid), cwd=tmp_path, db=db)
    assert status.returncode == 0, status.stderr
    assert "Thành viên 01 (hd01): Có mặt tại cuộc họp, 3/3 phiếu" in status.stdout
    assert "Thành viên 02 (hd02): chưa bỏ phiếu" in status.stdout and "đồng ý" not in status.stdout
    closed = cchc("emulation", "hoi-dong", "dong", str(sid), cwd=tmp_path, db=db)
    assert closed.returncode == 0, closed.stderr
    assert "Không hợp lệ" in closed.stdout and "1/3" in closed.stdout  # one of three present: short of quorum
    listed = cchc("emulation", "hoi-dong", "tinh-trang", cwd=tmp_path, db=db)
    assert f"Phiên {sid} — hoi-dong-truc-tuyen-2024" in listed.stdout and "không hợp lệ" in listed.stdout


def test_on_both_databases_votes_arriving_at_once_are_counted_once_each(any_engine):
    """Many requests at once: the same member's vote counted once, every member's counted (the session row is
    taken by each vote and by the close: PostgreSQL's row lock, SQLite's write lock)."""
    from concurrent.futures import ThreadPoolExecutor

    engine = any_engine
    with Session(engine) as s, s.begin():
        batch = models.IngestBatch(kind="units", file_name="dv.csv", sha256="c" * 64, rows=1,
                                   created_at=OPENED, created_by="kiem-thu")
        s.add(batch)
        s.flush()
        s.add(models.Unit(code="SKHCN", name="Sở Khoa học và Công nghệ", kind="so_nganh", batch_id=batch.id))
    c = em.campaign("skhcn-ninh-thuan-2024")
    campaign_id = em.launch(engine, c)
    with Session(engine) as s, s.begin():
        s.add_all(models.Nomination(campaign_id=campaign_id, participant_kind="ca_nhan", participant=f"CB{i}",
                                    form="bang_khen_chu_tich_tinh", rank=i, within_quota=True, note="",
                                    achievements=f"Thành tích {i}") for i in (1, 2))
    staff = office(engine)
    people = members(engine, 6)
    sid = cl.open_session(engine, staff, c.id, [p.username for p in people], MEETING, CLOSES, now=OPENED)
    first, second = items_of(engine, sid)

    def vote(who, item, choice):
        try:
            return cl.cast(engine, who, sid, "hop", {str(item): choice}, now=AT_MEETING)
        except Refused:
            return 0

    with ThreadPoolExecutor(6) as pool:
        same = list(pool.map(lambda _: vote(people[0], first, "dong_y"), range(6)))
        every = list(pool.map(lambda p: vote(p[0], second, p[1]),
                              zip(people, ["dong_y"] * 4 + ["khong_dong_y"] * 2)))
    assert sorted(same) == [0] * 5 + [1] and every == [1] * 6
    for who in people[1:]:
        cl.cast(engine, who, sid, "hop", {str(first): "dong_y"}, now=AT_MEETING)
    closed = cl.close_session(engine, staff, sid, now=AFTER)
    assert closed.state == "dong" and closed.present == 6
    assert [(i.outcome.yes, i.outcome.no, i.outcome.passed) for i in closed.items] == [(6, 0, True), (4, 2, True)]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(models.CouncilVoted)) == 12
        assert [b.yes for b in s.scalars(select(models.Ballot).order_by(models.Ballot.participant))] == [6, 4]


def test_a_session_opened_twice_at_once_is_opened_once(nominated):
    """Guard: office.council.open_session takes the campaign's row before it looks for a session still open. Sent
    twice at once (a double click), both openings passed the look: two sessions of one campaign, every member
    told twice, votes split between them."""
    from concurrent.futures import ThreadPoolExecutor

    engine, ref, staff = nominated
    people = members(engine, 10)

    def opening(_):
        try:
            return cl.open_session(engine, staff, ref, [p.username for p in people], MEETING, CLOSES, now=OPENED)
        except Refused:
            return None

    with ThreadPoolExecutor(3) as pool:
        opened = list(pool.map(opening, range(3)))
    assert sum(1 for sid in opened if sid) == 1, opened
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(models.CouncilSession)) == 1
