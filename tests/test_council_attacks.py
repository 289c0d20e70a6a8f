"""The council's pages attacked over HTTP against a real uvicorn server: other roles, a council member outside
the session, forms without their CSRF token, a nominee's achievements carrying a script, and the secret ballot
as the office sees it (no page, export or log entry tells who chose what). Each test names its guard."""

from __future__ import annotations

import io
import shutil
from datetime import date, timedelta

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from office import emulation as em
from portal_fixtures import _create, csrf_of, portal_engine, serving, signed_in
from store import models

pytestmark = pytest.mark.slow
SCRIPT = '<script>alert("phiếu")</script>'
IN_SESSION, OUTSIDE = ["hd.1", "hd.2", "hd.3"], "hd.4"


@pytest.fixture(scope="module")
def hall(demo_db, tmp_path_factory):
    """A server of its own: the shipped campaign ranked, a nominee's achievements carrying a script, a session
    opened by the office over HTTP with three of the five council accounts."""
    folder = tmp_path_factory.mktemp("hoi-dong")
    shutil.copy(demo_db, folder / "cong.db")
    engine = portal_engine(folder / "cong.db")
    for name in IN_SESSION + [OUTSIDE]:
        _create(engine, name, "hoi_dong")
    c = em.campaign("skhcn-ninh-thuan-2024")
    em.register(engine, c, 2024)
    em.nominate(engine, c, 2024)
    with engine.begin() as conn:
        conn.execute(update(models.Nomination).where(models.Nomination.within_quota)
                     .values(achievements=f"Sáng kiến {SCRIPT} được công nhận"))
    with serving(engine, folder / "du-lieu") as base:
        office, token = signed_in(base, "quantri")
        page = office.get("/hoi-dong")
        assert page.status_code == 200 and 'name="members" value="hd.1"' in page.text
        today = date.today()
        r = office.post("/hoi-dong/phien", data={
            "csrf": token, "campaign": c.id, "meeting_on": today.isoformat(),
            "closes_at": f"{(today + timedelta(days=1)).isoformat()}T23:00", "members": IN_SESSION})
        assert r.status_code == 303, r.text[:800]
        sid = int(r.headers["location"].rsplit("/", 1)[1])
        yield base, engine, sid
    engine.dispose()


def counts(engine) -> dict:
    with Session(engine) as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in
                (models.CouncilSession, models.CouncilMember, models.CouncilVoted, models.Ballot)} | {
            "tallies": s.scalar(select(func.coalesce(func.sum(models.CouncilItem.yes + models.CouncilItem.no), 0))),
            "writes": s.scalar(select(func.count()).where(models.AuditEntry.action != "dang_nhap"))}  # sign-ins aside


def item_ids(engine, sid) -> list[int]:
    with Session(engine) as s:
        return list(s.scalars(select(models.CouncilItem.id).where(models.CouncilItem.session_id == sid)))


def test_other_roles_neither_open_nor_vote_nor_close(hall):
    """Guards: accounts.require in office.council.open_session / choices (quan_tri), cast (hoi_dong),
    close_session (quan_tri), view and sessions (quan_tri, hoi_dong)."""
    base, engine, sid = hall
    [item] = item_ids(engine, sid)[:1]
    before = counts(engine)
    for username in ("donvi.skhcn", "thamdinh"):
        client, token = signed_in(base, username)
        assert client.get("/hoi-dong").status_code == 403
        assert client.get(f"/hoi-dong/{sid}").status_code == 403
        assert client.get(f"/hoi-dong/{sid}/bien-ban.docx").status_code == 403
        for path, data in ((f"/hoi-dong/{sid}/bo-phieu", {"mode": "hop", f"phieu_{item}": "dong_y"}),
                           ("/hoi-dong/phien", {"campaign": "skhcn-ninh-thuan-2024", "members": IN_SESSION,
                                                "meeting_on": date.today().isoformat(), "closes_at": "31/12/2099"}),
                           (f"/hoi-dong/{sid}/dong", {})):
            r = client.post(path, data={"csrf": token, **data})
            assert r.status_code == 403, (username, path, r.status_code)
    member, token = signed_in(base, "hd.1")  # a member neither opens nor closes
    assert member.post(f"/hoi-dong/{sid}/dong", data={"csrf": token}).status_code == 403
    assert member.post("/hoi-dong/phien", data={"csrf": token, "campaign": "skhcn-ninh-thuan-2024"}).status_code == 403
    office, token = signed_in(base, "quantri")  # the office does not vote
    assert office.post(f"/hoi-dong/{sid}/bo-phieu", data={"csrf": token, "mode": "hop",
                                                          f"phieu_{item}": "dong_y"}).status_code == 403
    public = httpx.Client(base_url=base, follow_redirects=False)
    assert public.get(f"/hoi-dong/{sid}").headers["location"].startswith("/dang-nhap")
    assert counts(engine) == before


def test_a_member_outside_the_session_neither_reads_nor_votes(hall):
    """Guard: office.council._member_of (the member must be one of the session's)."""
    base, engine, sid = hall
    [item] = item_ids(engine, sid)[:1]
    before = counts(engine)
    outsider, token = signed_in(base, OUTSIDE)
    assert f"/hoi-dong/{sid}" not in outsider.get("/hoi-dong").text  # not listed either
    assert outsider.get(f"/hoi-dong/{sid}").status_code == 403
    r = outsider.post(f"/hoi-dong/{sid}/bo-phieu", data={"csrf": token, "mode": "van_ban", f"phieu_{item}": "dong_y"})
    assert r.status_code == 403 and "không phải thành viên" in r.text
    for odd in ("99999", "²", "-1", "1e3"):
        assert outsider.get(f"/hoi-dong/{odd}").status_code == 404
    assert counts(engine) == before


def test_votes_without_their_form_token_are_refused(hall):
    """Guard: the CSRF check of web.app's middleware on every POST of the council's pages."""
    base, engine, sid = hall
    [item] = item_ids(engine, sid)[:1]
    before = counts(engine)
    member, token = signed_in(base, "hd.2")
    other, other_token = signed_in(base, "hd.3")
    for data in ({}, {"csrf": ""}, {"csrf": other_token}, {"csrf": token[:-1] + ("0" if token[-1] != "0" else "1")}):
        r = member.post(f"/hoi-dong/{sid}/bo-phieu", data={**data, "mode": "hop", f"phieu_{item}": "dong_y"})
        assert r.status_code == 403 and "CSRF" in r.text
    office, office_token = signed_in(base, "quantri")
    assert office.post(f"/hoi-dong/{sid}/dong", data={"csrf": other_token}).status_code == 403
    assert counts(engine) == before


def test_a_script_in_the_achievements_is_shown_as_text(hall):
    """Guard: Jinja's autoescape on the dossier (the achievements as the nomination stored them)."""
    base, engine, sid = hall
    for username in ("hd.1", "quantri"):
        client, _ = signed_in(base, username)
        page = client.get(f"/hoi-dong/{sid}")
        assert page.status_code == 200
        assert SCRIPT not in page.text and "&lt;script&gt;alert(" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]


def test_the_office_sees_who_voted_never_how_and_the_outcome_after_the_close(hall):
    """Guards: office.council.view shows no count before the close and only counts after it; the audit
    entries of a vote hold no choice; the export of the log neither."""
    base, engine, sid = hall
    items = item_ids(engine, sid)
    office, office_token = signed_in(base, "quantri")
    patterns = {"hd.1": "dong_y", "hd.2": "khong_dong_y", "hd.3": "dong_y"}
    for username, choice in patterns.items():
        client, token = signed_in(base, username)
        page = client.get(f"/hoi-dong/{sid}").text
        assert 'name="mode"' in page and "Gửi phiếu" in page
        r = client.post(f"/hoi-dong/{sid}/bo-phieu", data={"csrf": token, "mode": "hop",
                                                           **{f"phieu_{i}": choice for i in items}})
        assert r.status_code == 303, r.text[:500]
        again = client.post(f"/hoi-dong/{sid}/bo-phieu", data={"csrf": token, "mode": "hop",
                                                               **{f"phieu_{i}": "dong_y" for i in items}})
        assert again.status_code == 400 and "không sửa được" in again.text
        mine = client.get(f"/hoi-dong/{sid}").text
        assert "Bạn đã bỏ phiếu" in mine and 'value="dong_y"' not in mine  # not even one's own choice is shown
        during = office.get(f"/hoi-dong/{sid}").text
        assert "Không đồng ý" not in during and "Đồng ý" not in during and "ket-qua" not in during
    pages = [office.get(p) for p in ("/hoi-dong", f"/hoi-dong/{sid}", "/quan-tri/nhat-ky")]
    assert all(p.status_code == 200 for p in pages)
    assert all("dong_y" not in p.text and "Không đồng ý" not in p.text for p in pages)
    log = load_workbook(io.BytesIO(office.get("/quan-tri/nhat-ky.xlsx").content)).active
    cells = [str(c.value) for row in log.iter_rows() for c in row if c.value is not None]
    voted = [c for c in cells if c == "bo_phieu_hoi_dong"]
    assert len(voted) == 3 and not any("dong_y" in c or "đồng ý" in c.lower() for c in cells)

    r = office.post(f"/hoi-dong/{sid}/dong", data={"csrf": office_token})
    assert r.status_code == 303
    closed = office.get(f"/hoi-dong/{sid}").text
    assert 'id="ket-qua"' in closed and "Phiên không hợp lệ" not in closed
    assert "hd.1" in closed  # the roster, still without choices
    row = closed.split('id="ket-qua"')[1].split("</table>")[0]
    assert '<td class="so">2</td><td class="so">1</td>' in row  # two for, one against: counts only
    minutes = office.get(f"/hoi-dong/{sid}/bien-ban.docx")
    assert minutes.status_code == 200 and minutes.content[:2] == b"PK"
    member, token = signed_in(base, "hd.1")
    late = member.post(f"/hoi-dong/{sid}/bo-phieu", data={"csrf": token, "mode": "hop",
                                                          **{f"phieu_{i}": "dong_y" for i in items}})
    assert late.status_code == 400 and "đã kết thúc" in late.text
    assert csrf_of(closed)  # the close form is gone, the sign-out form keeps its token
