"""Notifications: each event of the round tells the right accounts and no one else; the reminders tell a unit
once; one's notices are one's own (IDOR, CSRF, escaping) over HTTP against a real server; e-mail goes out
after the commit to a real SMTP server listening on 127.0.0.1, and fails with a reason when there is none."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cli_runner import cchc
from office import accounts, appraisal, assessment, mail, notifications, reminders, rounds
from office.errors import Forbidden, NotFound, Refused
from office import council as cl
from portal_fixtures import PASSWORD, _create, csrf_of, free_port, portal, serving, signed_in  # noqa: F401
from test_council import BEFORE, CLOSES, MEETING, OPENED, items_of, members, nominated  # noqa: F401 (fixture)
from store import models

SMTP_VARS = ("CCHC_SMTP_HOST", "CCHC_SMTP_PORT", "CCHC_SMTP_USER", "CCHC_SMTP_PASSWORD", "CCHC_SMTP_FROM",
             "CCHC_SMTP_STARTTLS", "CCHC_PORTAL_URL", "CCHC_REMIND_DAYS")


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch):
    """No SMTP server unless a test sets one: the machine's environment does not leak into the tests."""
    for name in SMTP_VARS:
        monkeypatch.delenv(name, raising=False)


def who(engine, name):
    return accounts.login(engine, name, PASSWORD, "10.0.0.9").actor


def _commune(engine) -> str:
    with Session(engine) as s:
        return s.scalar(select(models.Unit.code).where(models.Unit.kind == "xa_phuong").order_by(models.Unit.code))


@pytest.fixture
def people(portal):
    """The portal's accounts, and more: a commune's officer, two office accounts (one disabled), a council member."""
    engine, rid = portal
    _create(engine, "donvi.xa", "don_vi", _commune(engine))
    _create(engine, "vanphong", "quan_tri")
    _create(engine, "vanphong.cu", "quan_tri")
    accounts.set_disabled(engine, accounts.SYSTEM, "vanphong.cu")
    _create(engine, "hoidong.tb", "hoi_dong")
    return engine, rid


def last_id(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(models.Notification.id).order_by(models.Notification.id.desc()).limit(1)) or 0


def since(engine, after: int) -> dict[str, list[tuple[str, str, str]]]:
    """The notices written after ``after``: username → [(kind, title, link)]."""
    N, A = models.Notification, models.Account
    with Session(engine) as s:
        rows = s.execute(select(A.username, N.kind, N.title, N.link).join(A, A.id == N.account_id)
                         .where(N.id > after).order_by(N.id)).all()
    found: dict[str, list] = {}
    for name, kind, title, link in rows:
        found.setdefault(name, []).append((kind, title, link))
    return found


def test_each_event_tells_the_right_accounts_and_no_one_else(people):
    engine, rid = people
    office = accounts.SYSTEM
    unit, judge = who(engine, "donvi.skhcn"), who(engine, "thamdinh")

    # a round opened: the officers of the units its rule set scores (departments), not a commune's, not the office
    mark = last_id(engine)
    new = rounds.open_round(engine, office, "chi-so-cchc-so-nganh", "2024-Q3", date.today() + timedelta(days=20),
                            "Tự đánh giá quý III")
    told = since(engine, mark)
    assert set(told) == {"donvi.skhcn", "donvi.stp"}
    assert told["donvi.skhcn"] == [("mo_dot", "Mở đợt tự đánh giá: Tự đánh giá quý III", f"/tu-danh-gia/{new}")]

    # a deadline extended: that unit only
    mark = last_id(engine)
    rounds.extend(engine, office, new, "STP", date.today() + timedelta(days=40))
    told = since(engine, mark)
    assert set(told) == {"donvi.stp"} and told["donvi.stp"][0][0] == "gia_han"

    # a submission: the office's active accounts (not the disabled one), no unit, no appraiser
    assessment.save_draft(engine, unit, rid, {"van_ban_ky_so": "0", "td_ke_hoach_cchc": "3"})
    mark = last_id(engine)
    assessment.submit(engine, unit, rid)
    told = since(engine, mark)
    assert set(told) == {"vanphong"}
    assert told["vanphong"] == [("nop", "Sở Khoa học và Công nghệ đã nộp tự đánh giá", f"/tham-dinh/{rid}/SKHCN")]

    # a feedback request: the unit asked
    mark = last_id(engine)
    ask = appraisal.request_feedback(engine, judge, rid, "SKHCN", "1.7.1", "Bổ sung sổ văn bản đi",
                                     date.today() + timedelta(days=5))
    told = since(engine, mark)
    assert set(told) == {"donvi.skhcn"} and told["donvi.skhcn"][0][:2] == ("yeu_cau_bo_sung",
                                                                           "Yêu cầu bổ sung tiêu chí 1.7.1")

    # its answer: the appraiser who asked, not the other appraiser
    mark = last_id(engine)
    appraisal.answer_feedback(engine, unit, ask, "Đã tải lên sổ văn bản đi")
    told = since(engine, mark)
    assert set(told) == {"thamdinh"} and told["thamdinh"][0][0] == "tra_loi_bo_sung"
    assert told["thamdinh"][0][2] == f"/tham-dinh/{rid}/SKHCN"

    # the appraisal finalised: the unit
    mark = last_id(engine)
    appraisal.finalise(engine, judge, rid, "SKHCN")
    told = since(engine, mark)
    assert set(told) == {"donvi.skhcn"} and told["donvi.skhcn"][0][0] == "hoan_tat_tham_dinh"

    # the round published: the units it scored, with the published ranking's link
    mark = last_id(engine)
    run = rounds.publish(engine, office, rid)
    told = since(engine, mark)
    assert set(told) == {"donvi.skhcn", "donvi.stp"}
    assert told["donvi.stp"] == [("cong_bo", told["donvi.stp"][0][1], f"/cong-khai/{run}")]


def test_a_refused_change_tells_no_one(people):
    """The notice lands in the change's own transaction: a refusal writes neither."""
    engine, rid = people
    mark = last_id(engine)
    with pytest.raises(Refused):
        rounds.extend(engine, accounts.SYSTEM, rid, "STP", date.today() - timedelta(days=1))
    with pytest.raises(Refused):
        appraisal.request_feedback(engine, who(engine, "thamdinh"), rid, "STP", "1.7.1", "x", "01/01/2020")
    assert since(engine, mark) == {}


def test_one_reads_and_marks_only_ones_own(people):
    engine, _ = people
    skhcn, stp = who(engine, "donvi.skhcn"), who(engine, "donvi.stp")
    with Session(engine) as s, s.begin():
        notifications.notify_accounts(s, [skhcn.account_id], "mo_dot", "Riêng của SKHCN", "", "/tu-danh-gia")
    mine = notifications.mine(engine, skhcn).items[0]
    assert mine.title == "Riêng của SKHCN"
    assert all(n.title != "Riêng của SKHCN" for n in notifications.mine(engine, stp).items)
    with pytest.raises(NotFound):
        notifications.mark_read(engine, stp, mine.id)
    with pytest.raises(Forbidden):
        notifications.mark_all_read(engine, None)
    unread = notifications.unread_count(engine, skhcn)
    notifications.mark_all_read(engine, stp)
    assert notifications.unread_count(engine, skhcn) == unread  # another's «all» is theirs only
    assert notifications.mark_read(engine, skhcn, mine.id) == "/tu-danh-gia"
    assert notifications.unread_count(engine, skhcn) == unread - 1
    # a link outside the portal is never written (the list page sends people there)
    with Session(engine) as s, s.begin(), pytest.raises(ValueError):
        notifications.notify_accounts(s, [skhcn.account_id], "mo_dot", "x", "", "//evil.example/")


def test_reminders_tell_each_unit_once(people):
    engine, rid = people
    with Session(engine) as s:
        deadline = s.get(models.AssessmentRound, rid).deadline.date()
    unit = who(engine, "donvi.skhcn")
    assessment.save_draft(engine, unit, rid, {"van_ban_ky_so": "0"})
    assessment.submit(engine, unit, rid)  # SKHCN has submitted: it is not reminded

    mark = last_id(engine)
    far = reminders.remind(engine, deadline - timedelta(days=5), days=3, send=False)
    assert far.rounds == 0 and since(engine, mark) == {}

    near = reminders.remind(engine, deadline - timedelta(days=2), days=3, send=False)
    told = since(engine, mark)
    assert near.rounds == 1 and set(told) == {"donvi.stp"}
    assert told["donvi.stp"][0][:2] == ("sap_het_han", "Sắp hết hạn nộp tự đánh giá: "
                                        "Tự đánh giá Chỉ số CCHC sở, ban, ngành năm 2024")
    mark = last_id(engine)
    again = reminders.remind(engine, deadline - timedelta(days=2), days=3, send=False)
    later = reminders.remind(engine, deadline - timedelta(days=1), days=3, send=False)
    assert again.total == later.total == 0 and since(engine, mark) == {}

    # a new deadline is a new reminder, when it comes near
    rounds.extend(engine, accounts.SYSTEM, rid, "STP", deadline + timedelta(days=10))
    mark = last_id(engine)
    assert reminders.remind(engine, deadline - timedelta(days=1), days=3, send=False).rounds == 0
    assert reminders.remind(engine, deadline + timedelta(days=8), days=3, send=False).rounds == 1
    assert set(since(engine, mark)) == {"donvi.stp"}


def test_the_periodic_report_due_is_reminded_once_to_units_that_must_report(people):
    engine, _ = people
    today = date(2031, 3, 18)  # 2031-Q1 due 20/03: nobody has reported
    mark = last_id(engine)
    first = reminders.remind(engine, today, days=3, send=False)
    told = since(engine, mark)
    assert first.reports == 3 and set(told) == {"donvi.skhcn", "donvi.stp", "donvi.xa"}
    assert told["donvi.xa"][0][:2] == ("bao_cao", "Báo cáo CCHC quý I năm 2031 đến hạn ngày 20/03/2031")
    mark = last_id(engine)
    assert reminders.remind(engine, today, days=3, send=False).reports == 0
    assert reminders.remind(engine, today + timedelta(days=1), days=3, send=False).reports == 0
    assert since(engine, mark) == {}
    with pytest.raises(Refused) as err:
        reminders.days_ahead("ba")
    assert err.value.field == "days"


def test_a_periodic_report_submitted_tells_the_office_and_is_not_reminded(people):
    from office import periodic_online as po

    engine, _ = people
    officer = who(engine, "donvi.skhcn")
    sent_on = datetime(2025, 3, 18, 9, 30)  # 2025-Q1, due 20/03/2025
    po.save_draft(engine, officer, "2025-Q1", {"van_ban_di": "10"}, {"iso": "Duy trì ISO 9001:2015."}, when=sent_on)
    mark = last_id(engine)
    po.submit(engine, officer, "2025-Q1", when=sent_on)
    told = since(engine, mark)
    assert set(told) == {"vanphong"}  # the office's active account only
    assert told["vanphong"] == [("bao_cao", "Sở Khoa học và Công nghệ đã gửi báo cáo CCHC quý I năm 2025",
                                 "/quan-tri/bao-cao-dinh-ky/2025-Q1/SKHCN")]
    mark = last_id(engine)
    assert reminders.remind(engine, sent_on.date(), days=3, send=False).reports == 2
    told = since(engine, mark)
    assert set(told) == {"donvi.stp", "donvi.xa"}  # SKHCN has sent its report
    assert told["donvi.stp"][0][2] == "/bao-cao-dinh-ky/2025-Q1"


def test_the_reminder_command_twice_a_day(people, tmp_path):
    engine, rid = people
    with Session(engine) as s:
        deadline = s.get(models.AssessmentRound, rid).deadline.date()
    db = str(engine.url)
    on = (deadline - timedelta(days=2)).strftime("%d/%m/%Y")
    first = cchc("portal", "nhac-viec", "--on", on, cwd=tmp_path, db=db)
    assert first.returncode == 0, first.stderr
    assert "2 thông báo hạn nộp tự đánh giá" in first.stdout and "chưa cấu hình máy chủ SMTP" in first.stdout
    second = cchc("portal", "nhac-viec", "--on", on, cwd=tmp_path, db=db)
    assert second.returncode == 0 and "0 thông báo hạn nộp tự đánh giá" in second.stdout
    wrong = cchc("portal", "nhac-viec", "--days", "-1", cwd=tmp_path, db=db)
    assert wrong.returncode != 0


# --- The portal's pages -------------------------------------------------------------------------------------


def _unread_in_header(html: str) -> str:
    import re

    found = re.search(r'id="chuong"[^>]*>Thông báo(?: <span class="count"[^>]*>([^<]+)</span>)?</a>', html)
    assert found, "the header has no notifications link"
    return found.group(1) or ""


def test_the_pages_count_list_mark_and_refuse(people, tmp_path):
    engine, _ = people
    skhcn = who(engine, "donvi.skhcn")
    with Session(engine) as s, s.begin():
        s.execute(update(models.Notification).values(read_at=datetime.now()))
        notifications.notify_accounts(s, [skhcn.account_id], "yeu_cau_bo_sung", "<script>alert(1)</script> Bổ sung",
                                      "Dòng một\nDòng hai <b>đậm</b>", "/tu-danh-gia")
        notifications.notify_accounts(s, [skhcn.account_id], "mo_dot", "Đợt thứ hai", "", "")
    theirs = notifications.mine(engine, skhcn).items
    first = next(n for n in theirs if n.kind == "yeu_cau_bo_sung")
    with serving(engine, tmp_path / "du-lieu") as base:
        unit, token = signed_in(base, "donvi.skhcn")
        other, other_token = signed_in(base, "donvi.stp")
        public = httpx.Client(base_url=base, follow_redirects=False)

        assert _unread_in_header(unit.get("/huong-dan").text) == "2"
        assert "<h2>Thông báo</h2>" in unit.get("/huong-dan/don-vi").text
        assert _unread_in_header(other.get("/huong-dan").text) == ""
        page = unit.get("/thong-bao")
        assert page.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Bổ sung" in page.text and "<script>alert" not in page.text
        assert "&lt;b&gt;đậm&lt;/b&gt;" in page.text
        assert page.text.index("Đợt thứ hai") < page.text.index("Bổ sung")  # newest first
        assert f'id="tb-{first.id}" class="unread"' in page.text

        # another officer: not in their list, and marking it is «not found», leaving it unread
        assert "alert(1)" not in other.get("/thong-bao").text
        r = other.post(f"/thong-bao/{first.id}/doc", data={"csrf": other_token, "mo": "1"})
        assert r.status_code == 404
        # without the form's token: refused
        r = unit.post(f"/thong-bao/{first.id}/doc", data={"mo": "1"})
        assert r.status_code == 403
        r = unit.post(f"/thong-bao/{first.id}/doc", data={"mo": "1", "csrf": other_token})
        assert r.status_code == 403
        with Session(engine) as s:
            assert s.get(models.Notification, first.id).read_at is None
        # the public is sent to sign in
        assert public.get("/thong-bao").headers["location"].startswith("/dang-nhap")

        r = unit.post(f"/thong-bao/{first.id}/doc", data={"mo": "1", "csrf": token})
        assert r.status_code == 303 and r.headers["location"] == "/tu-danh-gia"
        assert _unread_in_header(unit.get("/huong-dan").text) == "1"
        assert f'id="tb-{first.id}" class="read"' in unit.get("/thong-bao").text
        assert unit.post("/thong-bao/doc-het", data={}).status_code == 403
        r = unit.post("/thong-bao/doc-het", data={"csrf": token})
        assert r.status_code == 303 and _unread_in_header(unit.get("/huong-dan").text) == ""

        # only the office sets another's address
        r = unit.post("/quan-tri/tai-khoan/donvi.stp/email", data={"csrf": token, "email": "x@stp.gov.vn"})
        assert r.status_code == 403
        with Session(engine) as s:
            assert s.scalar(select(models.Account.email).where(models.Account.username == "donvi.stp")) is None

        # the office sees the e-mails not sent, with their reasons; an officer does not
        with Session(engine) as s, s.begin():
            s.execute(update(models.Notification).where(models.Notification.id == first.id)
                      .values(email_state="loi", email_to="an@skhcn.vn", email_attempts=2,
                              email_error="máy chủ SMTP từ chối <địa chỉ>"))
        office, office_token = signed_in(base, "vanphong")
        listed = office.get("/thong-bao").text
        assert 'id="thu-cho"' in listed and "máy chủ SMTP từ chối &lt;địa chỉ&gt;" in listed
        assert 'id="thu-cho"' not in unit.get("/thong-bao").text

        # the office's account page: an address with a new account, checked; another's address set
        new = {"csrf": office_token, "username": "moi.web", "full_name": "Người mới", "role": "hoi_dong"}
        r = office.post("/quan-tri/tai-khoan", data={**new, "email": "sai@"})
        assert r.status_code == 400 and "địa chỉ e-mail «sai@» không hợp lệ" in r.text
        with Session(engine) as s:
            assert s.scalar(select(models.Account.id).where(models.Account.username == "moi.web")) is None
        r = office.post("/quan-tri/tai-khoan", data={**new, "email": "moi@laichau.gov.vn"})
        assert r.status_code == 200 and 'value="moi@laichau.gov.vn"' in r.text
        assert ">nan<" not in r.text and 'value="nan"' not in r.text  # accounts without a unit or an address
        r = office.post("/quan-tri/tai-khoan/donvi.stp/email", data={"csrf": office_token, "email": "cb@stp.gov.vn"})
        assert r.status_code == 303
        with Session(engine) as s:
            assert s.scalar(select(models.Account.email).where(models.Account.username == "donvi.stp")) == "cb@stp.gov.vn"

        # one's e-mail address: checked, named in the refusal, nothing written when wrong
        r = unit.post("/thong-bao/email", data={"csrf": token, "email": "an@@skhcn"})
        assert r.status_code == 400 and "địa chỉ e-mail «an@@skhcn» không hợp lệ" in r.text
        r = unit.post("/thong-bao/email", data={"csrf": token, "email": "An.NV@SKHCN.LaiChau.gov.vn"})
        assert r.status_code == 303
        assert 'value="An.NV@skhcn.laichau.gov.vn"' in unit.get("/thong-bao").text


def test_account_addresses_are_checked_everywhere(people, tmp_path):
    engine, _ = people
    for bad in ("khong-co-a-cong", "a@b", "a b@c.vn", "a@c.vn, b@d.vn", "a@c.vn\nBcc: x@y.vn", "nguyễn@c.vn",
                "<a@c.vn>", "a@-c.vn", ".a@c.vn", "a@c.123"):
        with pytest.raises(Refused) as err:
            accounts.create_account(engine, accounts.SYSTEM, "moi.01", "Người mới", "hoi_dong", email=bad)
        assert err.value.field == "email", bad
    accounts.create_account(engine, accounts.SYSTEM, "moi.01", "Người mới", "hoi_dong", email=" Moi@Laichau.GOV.vn ")
    with Session(engine) as s:
        assert s.scalar(select(models.Account.email).where(models.Account.username == "moi.01")) == "Moi@laichau.gov.vn"

    import pandas as pd

    frame = pd.DataFrame([["moi.02", "Người hai", "hoi_dong", "", "", "sai-dia-chi"]], columns=accounts.IMPORT_HEADERS)
    with pytest.raises(Refused) as err:
        accounts.import_accounts(engine, accounts.SYSTEM, frame)
    assert "dòng 2, cột E-mail" in err.value.message
    done = cchc("user", "add", "moi.03", "--name", "Người ba", "--role", "hoi_dong", "--email", "ba@", cwd=tmp_path,
                db=str(engine.url))
    assert done.returncode == 1 and "e-mail" in done.stderr
    done = cchc("user", "add", "moi.03", "--name", "Người ba", "--role", "hoi_dong", "--email", "ba@laichau.gov.vn",
                cwd=tmp_path, db=str(engine.url))
    assert done.returncode == 0, done.stderr
    assert cchc("user", "email", "moi.03", "Ba.Moi@LaiChau.gov.vn", cwd=tmp_path, db=str(engine.url)).returncode == 0
    listed = cchc("user", "list", cwd=tmp_path, db=str(engine.url)).stdout
    assert "Ba.Moi@laichau.gov.vn" in listed and "E-mail" in listed
    assert cchc("user", "email", "moi.03", "sai", cwd=tmp_path, db=str(engine.url)).returncode == 1


# --- E-mail -------------------------------------------------------------------------------------------------


class _Sink(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to receive messages as a real server does: greeting, EHLO, MAIL, RCPT,
    DATA with dot-unstuffing, RSET, NOOP, QUIT. A recipient at refuse.example is refused (550)."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink.test ESMTP")
        sender, rcpts = None, []
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip()
            upper = verb.upper()
            if upper.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n")
            elif upper.startswith("MAIL FROM:"):
                sender, rcpts = verb[10:].split()[0], []  # the address, without parameters (SIZE=…)
                self.reply("250 OK")
            elif upper.startswith("RCPT TO:"):
                to = verb[8:].strip().strip("<>")
                if to.endswith("@refuse.example"):
                    self.reply("550 5.1.1 no such user")
                else:
                    rcpts.append(to)
                    self.reply("250 OK")
            elif upper == "DATA":
                self.reply("354 go ahead")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append((sender, list(rcpts), bytes(data)))
                self.reply("250 queued")
            elif upper in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif upper == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@contextmanager
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _state(engine, number):
    with Session(engine) as s:
        row = s.get(models.Notification, number)
        return row.email_state, row.email_attempts, row.email_error


def test_mail_goes_after_the_commit_to_a_real_smtp_server(people, monkeypatch):
    engine, rid = people
    notifications.set_email(engine, accounts.SYSTEM, "donvi.skhcn", "can.bo@skhcn.laichau.gov.vn")
    with smtp_sink() as sink:
        monkeypatch.setenv("CCHC_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CCHC_SMTP_PORT", str(sink.server_address[1]))
        monkeypatch.setenv("CCHC_SMTP_FROM", "cchc@sonoivu.laichau.gov.vn")
        monkeypatch.setenv("CCHC_PORTAL_URL", "https://cchc.laichau.gov.vn/")
        mark = last_id(engine)
        due = date.today() + timedelta(days=45)
        rounds.extend(engine, accounts.SYSTEM, rid, "SKHCN", due)
        rounds.extend(engine, accounts.SYSTEM, rid, "STP", due)  # no address: inside the portal only
        assert sink.received == []  # nothing is sent inside the use case
        with Session(engine) as s:
            rows = {n.account_id: n for n in s.scalars(select(models.Notification).where(models.Notification.id > mark))}
        states = sorted((n.email_state, n.email_to) for n in rows.values())
        assert states == [("cho", "can.bo@skhcn.laichau.gov.vn"), ("khong", "")]

        outbox = notifications.send_waiting(engine)
        assert (outbox.sent, outbox.failed, outbox.waiting) == (1, 0, 0)
        assert notifications.send_waiting(engine).sent == 0  # sent once
    assert len(sink.received) == 1
    sender, rcpts, raw = sink.received[0]
    assert rcpts == ["can.bo@skhcn.laichau.gov.vn"] and sender == "<cchc@sonoivu.laichau.gov.vn>"
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0].lower()  # the subject travels encoded (RFC 2047)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == f"[Cổng CCHC] Gia hạn nộp tự đánh giá đến {due:%d/%m/%Y}"
    assert msg["To"].addresses[0].addr_spec == "can.bo@skhcn.laichau.gov.vn"
    assert msg["To"].addresses[0].display_name == "Người dùng donvi.skhcn"
    assert msg["From"].addresses[0].display_name == "Cổng CCHC" and msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_charset() == "utf-8"
    body = msg.get_content()
    assert "Kính gửi Người dùng donvi.skhcn," in body and "Sở Khoa học và Công nghệ được gia hạn" in body
    assert f"https://cchc.laichau.gov.vn/tu-danh-gia/{rid}" in body
    sent = next(n for n in rows.values() if n.email_state == "cho")
    assert _state(engine, sent.id)[:2] == ("da_gui", 1)


def test_an_unreachable_server_fails_with_a_reason_and_a_later_run_retries(people, monkeypatch):
    engine, rid = people
    notifications.set_email(engine, accounts.SYSTEM, "donvi.stp", "can.bo@stp.laichau.gov.vn")
    monkeypatch.setenv("CCHC_SMTP_HOST", "127.0.0.1")
    mark = last_id(engine)
    rounds.extend(engine, accounts.SYSTEM, rid, "STP", date.today() + timedelta(days=45))
    number = last_id(engine)
    assert number > mark and _state(engine, number)[0] == "cho"

    dead = free_port()  # nothing listens there
    now = datetime.now().replace(microsecond=0)
    down = notifications.send_waiting(engine, mail.SmtpSettings("127.0.0.1", dead), now=now)
    assert (down.sent, down.failed, down.waiting) == (0, 1, 1)
    state, attempts, reason = _state(engine, number)
    assert state == "loi" and attempts == 1
    assert reason == f"không kết nối được máy chủ SMTP 127.0.0.1:{dead}: máy chủ từ chối kết nối"
    # not again at once: the retries are spaced out
    assert notifications.send_waiting(engine, mail.SmtpSettings("127.0.0.1", dead), now=now).failed == 0
    with smtp_sink() as sink:
        back = notifications.send_waiting(engine, mail.SmtpSettings("127.0.0.1", sink.server_address[1]),
                                          now=now + timedelta(minutes=6))
    assert back.sent == 1 and len(sink.received) == 1
    assert _state(engine, number) == ("da_gui", 2, "")


def test_a_refused_recipient_fails_alone(people, monkeypatch):
    engine, rid = people
    notifications.set_email(engine, accounts.SYSTEM, "donvi.stp", "ai@refuse.example")
    notifications.set_email(engine, accounts.SYSTEM, "donvi.skhcn", "can.bo@skhcn.laichau.gov.vn")
    monkeypatch.setenv("CCHC_SMTP_HOST", "127.0.0.1")
    with Session(engine) as s, s.begin():
        ids = s.scalars(select(models.Account.id).where(models.Account.username.in_(["donvi.stp", "donvi.skhcn"])))
        notifications.notify_accounts(s, ids, "mo_dot", "Thông báo chung")
    with smtp_sink() as sink:
        outbox = notifications.send_waiting(engine, mail.SmtpSettings("127.0.0.1", sink.server_address[1]))
    assert (outbox.sent, outbox.failed) == (1, 1) and [r[1] for r in sink.received] == [["can.bo@skhcn.laichau.gov.vn"]]
    assert "ai@refuse.example: 550 5.1.1 no such user" in outbox.errors[0]


def test_mail_goes_to_the_address_as_it_is_when_sent_and_never_to_a_locked_account(people, monkeypatch):
    engine, _ = people
    notifications.set_email(engine, accounts.SYSTEM, "donvi.skhcn", "cu@skhcn.laichau.gov.vn")
    notifications.set_email(engine, accounts.SYSTEM, "donvi.stp", "cb@stp.laichau.gov.vn")
    monkeypatch.setenv("CCHC_SMTP_HOST", "127.0.0.1")
    with Session(engine) as s, s.begin():
        ids = s.scalars(select(models.Account.id).where(models.Account.username.in_(["donvi.stp", "donvi.skhcn"])))
        notifications.notify_accounts(s, ids, "mo_dot", "Thông báo chung")
    notifications.set_email(engine, accounts.SYSTEM, "donvi.skhcn", "moi@skhcn.laichau.gov.vn")
    accounts.set_disabled(engine, accounts.SYSTEM, "donvi.stp")
    with smtp_sink() as sink:
        outbox = notifications.send_waiting(engine, mail.SmtpSettings("127.0.0.1", sink.server_address[1]))
    assert (outbox.sent, outbox.failed, outbox.waiting) == (1, 0, 0)
    assert [r[1] for r in sink.received] == [["moi@skhcn.laichau.gov.vn"]]
    with Session(engine) as s:
        rows = dict(s.execute(select(models.Account.username, models.Notification.email_state)
                              .join(models.Account, models.Account.id == models.Notification.account_id)
                              .where(models.Notification.title == "Thông báo chung")).all())
    assert rows == {"donvi.skhcn": "da_gui", "donvi.stp": "khong"}


def test_without_smtp_nothing_is_sent_and_nothing_fails(people, tmp_path):
    engine, rid = people
    notifications.set_email(engine, accounts.SYSTEM, "donvi.skhcn", "can.bo@skhcn.laichau.gov.vn")
    mark = last_id(engine)
    rounds.extend(engine, accounts.SYSTEM, rid, "SKHCN", date.today() + timedelta(days=45))
    assert _state(engine, last_id(engine)) == ("khong", 0, "") and last_id(engine) > mark
    outbox = notifications.send_waiting(engine)
    assert (outbox.sent, outbox.failed, outbox.waiting) == (0, 0, 0) and "chưa cấu hình" in outbox.problem
    done = cchc("portal", "gui-thu", cwd=tmp_path, db=str(engine.url))
    assert done.returncode == 0 and "chưa cấu hình máy chủ SMTP" in done.stdout


def test_wrong_smtp_settings_are_named(monkeypatch, tmp_path, engine):
    monkeypatch.setenv("CCHC_SMTP_HOST", "mail.laichau.gov.vn")
    monkeypatch.setenv("CCHC_SMTP_PORT", "hai lăm")
    with pytest.raises(Refused) as err:
        mail.settings_from_env()
    assert err.value.field == "CCHC_SMTP_PORT"
    done = cchc("portal", "gui-thu", cwd=tmp_path, db=str(engine.url))
    assert done.returncode == 1 and "CCHC_SMTP_PORT" in done.stderr
    monkeypatch.setenv("CCHC_SMTP_PORT", "587")
    monkeypatch.setenv("CCHC_SMTP_USER", "cchc@laichau.gov.vn")
    settings = mail.settings_from_env()
    assert settings.starttls and settings.sender == "cchc@laichau.gov.vn"
    # a password is never sent in clear to another machine (refused before connecting)
    clear = mail.SmtpSettings("mail.laichau.gov.vn", 25, "cchc", "bi-mat", "cchc@laichau.gov.vn", starttls=False)
    with pytest.raises(mail.MailError) as failed:
        mail.connect(clear)
    assert "không gửi mật khẩu SMTP qua kết nối không mã hóa" in failed.value.reason


# --- The council's sessions ---------------------------------------------------------------------------------


def test_a_council_session_tells_its_members_and_reminds_those_who_have_not_voted(nominated):
    engine, ref, staff = nominated
    people = members(engine, 4)
    outsider = members(engine, 1, prefix="hdx")[0]
    mark = last_id(engine)
    sid = cl.open_session(engine, staff, ref, [p.username for p in people[:3]], MEETING, CLOSES, now=OPENED)
    told = since(engine, mark)
    assert set(told) == {"hd01", "hd02", "hd03"}  # not the fourth member, not another council member, not the office
    assert told["hd02"][0][0] == "hoi_dong" and told["hd02"][0][2] == f"/hoi-dong/{sid}"
    assert outsider.username not in told

    cl.cast(engine, people[0], sid, "van_ban", {str(i): "dong_y" for i in items_of(engine, sid)}, now=BEFORE)
    mark = last_id(engine)
    assert reminders.remind(engine, date(2024, 12, 5), days=3, send=False).council == 0  # five days ahead: not yet
    near = reminders.remind(engine, date(2024, 12, 8), days=3, send=False)
    told = since(engine, mark)
    assert near.council == 2 and set(told) == {"hd02", "hd03"}  # hd01 has voted
    assert told["hd03"][0][1] == f"Phiên bỏ phiếu số {sid} của Hội đồng sắp kết thúc"
    mark = last_id(engine)
    assert reminders.remind(engine, date(2024, 12, 8), days=3, send=False).council == 0
    assert reminders.remind(engine, date(2024, 12, 9), days=3, send=False).council == 0
    assert since(engine, mark) == {}
