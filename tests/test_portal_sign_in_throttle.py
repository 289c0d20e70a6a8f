"""Sign-in throttling on both databases: a name's wrong passwords, known or not, lock it alike, and the rows of
names no account has go once their window has passed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from office import accounts
from office.errors import Refused
from portal_fixtures import PASSWORD, _create
from store import models


def _throttle_rows(engine) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(models.LoginThrottle.ip)))


def _sign_in(engine, name, when, password="doan-sai-123", ip="10.0.0.7"):
    """The refusal's message of a sign-in (None: signed in)."""
    try:
        accounts.login(engine, name, password, ip, now=when)
    except Refused as err:
        return err.message
    return None


def test_the_lock_rows_of_names_no_account_has_go_once_their_window_has_passed(any_engine):
    """Guard: office.accounts._failed deletes, at every failure, the throttle rows whose window and lock have
    passed. A name no account has got its row at its first wrong password and kept it for ever: names tried once
    each piled up rows without end."""
    _create(any_engine, "co.that", "hoi_dong")
    start = datetime(2026, 3, 2, 8, 0)
    for i in range(20):  # names tried once each, from another address than the locks below
        _sign_in(any_engine, f"doan.ten.{i}", start, ip="10.0.0.8")
    for _ in range(accounts.ACCOUNT_FAILURES):
        _sign_in(any_engine, "khong.co", start)
    assert "tạm khóa" in _sign_in(any_engine, "khong.co", start + timedelta(minutes=1))
    ghosts = {accounts._name_key(f"doan.ten.{i}") for i in range(20)} | {accounts._name_key("khong.co")}
    assert ghosts <= _throttle_rows(any_engine)
    later = start + timedelta(minutes=10)
    for _ in range(accounts.ACCOUNT_FAILURES):
        _sign_in(any_engine, "van.khoa", later)
    # past the window: a known name's failure deletes them as an unknown one's does; a lock still on stays
    gone = start + accounts.ACCOUNT_LOCK + timedelta(minutes=1)
    assert _sign_in(any_engine, "co.that", gone) is not None
    left = _throttle_rows(any_engine)
    assert not ghosts & left and "10.0.0.8" not in left
    assert accounts._name_key("van.khoa") in left
    assert "tạm khóa" in _sign_in(any_engine, "van.khoa", gone)
    assert "tạm khóa" not in _sign_in(any_engine, "khong.co", gone)


def test_a_name_known_or_not_is_locked_by_five_failures_within_a_quarter_hour_of_each_other(any_engine):
    """Guard: office.accounts._one_more forgets the failures of an account as those of a name no account has (its
    row deleted with its window): four, a quarter hour of quiet, then one more lock neither; five close together
    lock both, and the right password of the account waits."""
    _create(any_engine, "co.that", "hoi_dong")
    start = datetime(2026, 3, 2, 8, 0)
    answers = {}
    for name in ("co.that", "khong.co.that"):
        said = [_sign_in(any_engine, name, start + timedelta(minutes=i)) for i in range(accounts.ACCOUNT_FAILURES - 1)]
        quiet = start + timedelta(minutes=accounts.ACCOUNT_FAILURES - 2) + accounts.ACCOUNT_LOCK + timedelta(seconds=1)
        said += [_sign_in(any_engine, name, quiet + timedelta(minutes=i)) for i in range(accounts.ACCOUNT_FAILURES + 1)]
        answers[name] = said
    assert answers["co.that"] == answers["khong.co.that"]
    assert not any("tạm khóa" in a for a in answers["co.that"][:-1]) and "tạm khóa" in answers["co.that"][-1]
    assert "tạm khóa" in _sign_in(any_engine, "co.that", quiet + timedelta(minutes=10), password=PASSWORD)
    assert _sign_in(any_engine, "co.that", quiet + timedelta(minutes=30), password=PASSWORD) is None
