"""The first write of a row arriving many times at once, on both databases: a unit's first drafts, a first draft
and a submission, an address's and a name's first wrong passwords. One row is made, every step answers as it would
alone, and no count is lost."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import units_file
from office import accounts, assessment, periodic_online, rounds
from office.errors import Conflict, Refused
from portal_fixtures import PASSWORD, _create
from store import models
from store.ingest import ingest_file

AT_ONCE = 8


def _at_once(*steps) -> list:
    """Each step run in a thread of its own, released together: what each returned or raised."""
    found: list = [None] * len(steps)
    start = threading.Barrier(len(steps))

    def run(i, step):
        start.wait()
        try:
            found[i] = step()
        except Exception as err:  # noqa: BLE001 - what a step raised is its answer
            found[i] = err

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return found


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def _officer(engine, tmp_path):
    ingest_file(engine, units_file(tmp_path))
    _create(engine, "donvi.skhcn", "don_vi", "SKHCN")
    return accounts.login(engine, "donvi.skhcn", PASSWORD, "10.0.0.1").actor


def test_a_units_first_drafts_and_a_submission_at_once_make_one_form(any_engine, tmp_path):
    """Guard: office.assessment._assessment makes the form's row before taking it (store.db.insert_missing) when
    a draft is saved. The draft took a row that was not there yet, then inserted it: the first drafts of a form sent
    at once (two tabs, a draft and «Nộp») each inserted it, and all but one failed on the unique key (PostgreSQL)."""
    officer = _officer(any_engine, tmp_path)
    rid = rounds.open_demo_round(any_engine)

    def draft(i):
        return lambda: assessment.save_draft(any_engine, officer, rid, {"van_ban_ky_so": str(i)})

    def draft_then_submit():
        assessment.save_draft(any_engine, officer, rid, {"van_ban_ky_so": "9"})
        return assessment.submit(any_engine, officer, rid)

    found = _at_once(*[draft(i) for i in range(AT_ONCE - 1)], draft_then_submit)
    # a draft saved after the submission is refused as «submitted»; the submission may find a draft saved meanwhile
    assert all(r is None or isinstance(r, (int, Conflict)) for r in found), found
    assert _count(any_engine, models.SelfAssessment) == 1


def test_a_units_first_periodic_drafts_at_once_make_one_report(any_engine, tmp_path):
    """Guard: office.periodic_online._report makes the report's row (and its year's periods) before taking it. The
    first drafts of a report sent at once each inserted it (and the year's periods): all but one failed on the unique
    key (PostgreSQL)."""
    officer = _officer(any_engine, tmp_path)
    when = datetime(2025, 3, 18, 9, 30)

    def draft(i):
        return lambda: periodic_online.save_draft(any_engine, officer, "2025-Q1", {"van_ban_di": str(100 + i)},
                                                  {"iso": f"Bản {i}."}, when=when)

    found = _at_once(*[draft(i) for i in range(AT_ONCE)])
    assert found == [None] * AT_ONCE
    assert _count(any_engine, models.PeriodicReport) == 1


def test_wrong_passwords_sent_at_once_are_each_refused_and_counted(any_engine):
    """Guard: office.accounts._failed takes the rows it counts on (accounts._taken: made when missing, then taken
    and read again). It read them, added one and wrote them back: the first wrong passwords of an address or of a
    name sent at once each inserted its row, all but one failing on the unique key (a «duplicate request» page
    instead of the refusal, on PostgreSQL), and the others' counts were lost, so that guesses sent at once were
    mostly not counted towards the address's lock. office.accounts.login counts a try against its name before
    the password is checked: counted after, a burst of guesses sent together all had their passwords checked
    before the first of them locked the name (the limit of five exceeded by as many as were sent at once)."""
    _create(any_engine, "co.that", "hoi_dong")
    when = datetime(2026, 3, 2, 8, 0)

    def wrong(name):
        return lambda: accounts.login(any_engine, name, "doan-sai-123", "10.0.0.7", now=when)

    found = _at_once(*[wrong("khong.co.that") for _ in range(AT_ONCE)], *[wrong("co.that") for _ in range(AT_ONCE)])
    assert all(isinstance(r, Refused) for r in found), found
    said = [r.message for r in found]
    assert all("không đúng" in m or "tạm khóa" in m for m in said), said
    # each name's passwords checked no more often than its limit: the tries past it wait, then find it locked
    for name in (said[:AT_ONCE], said[AT_ONCE:]):
        assert sum("không đúng" in m for m in name) == accounts.ACCOUNT_FAILURES, name
    with Session(any_engine) as s:
        counted = s.scalar(select(models.LoginThrottle.failures).where(models.LoginThrottle.ip == "10.0.0.7"))
    assert counted == sum("không đúng" in m for m in said)


def test_a_save_waiting_for_the_store_leaves_the_portal_answering(engine, tmp_path):
    """Guard: web.routes_unit.save (and the portal's other async routes) call the store from the thread pool. They
    called it on the event loop: a unit's save waiting for the store's write lock (an import writing, on SQLite)
    held up every other request of the portal, its health check too, until the lock was free."""
    import sqlite3

    import httpx

    from portal_fixtures import serving, signed_in

    _officer(engine, tmp_path)
    rid = rounds.open_demo_round(engine)
    with serving(engine, tmp_path / "du-lieu") as base:
        unit, token = signed_in(base, "donvi.skhcn")
        writer = sqlite3.connect(tmp_path / "cchc.db", isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another writer holds the store
        answers: list = []
        saver = threading.Thread(target=lambda: answers.append(unit.post(
            f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "so_lieu__van_ban_ky_so": "3"}).status_code))
        saver.start()
        try:
            saver.join(1)
            assert httpx.get(base + "/suc-khoe", timeout=5).status_code == 200
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        saver.join(60)
    assert answers == [303]


def test_the_same_evidence_file_stored_at_once_is_stored_whole(tmp_path):
    """Guard: office.evidence.put writes each upload to a temporary file of its own before moving it under its
    hash. The temporary file was named by the process only: the same file uploaded twice at once by one portal
    process (the same PDF on two criteria) was written by both into one temporary file — one upload moved it away
    half written, the other failed on it gone."""
    import hashlib

    from office import evidence

    data = b"%PDF-1.4\n" + bytes(range(256)) * (16 * 1024)
    stored = evidence.Stored(hashlib.sha256(data).hexdigest(), "pdf", len(data), "a.pdf")
    for attempt in range(5):
        root = tmp_path / str(attempt)
        found = _at_once(*[lambda: evidence.put(data, stored, root) for _ in range(AT_ONCE)])
        assert all(isinstance(r, evidence.Path) for r in found), found
        assert evidence.path_of(stored.sha256, root).read_bytes() == data
