"""Step definitions for features/bao_cao_dinh_ky_truc_tuyen.feature, at the office level on the demo province."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import read_docx_text, snapshot
from office import accounts, periodic_online as po
from office.errors import Forbidden, Refused
from office.periodic import periodic
from portal_fixtures import PASSWORD, _create
from store import calendar, models
from store.ingest.narratives import SECTIONS

scenarios("bao_cao_dinh_ky_truc_tuyen.feature")


@pytest.fixture
def world(province, tmp_path):
    return {"engine": province, "dir": tmp_path}


def _day(text: str) -> datetime:
    for fmt in ("%H:%M %d/%m/%Y", "%d/%m/%Y"):
        try:
            found = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return found if fmt.startswith("%H") else found.replace(hour=10)
    raise ValueError(text)


def _officer(world, unit):
    return accounts.login(world["engine"], f"donvi.{unit.lower()}", PASSWORD).actor


@given(parsers.parse('tỉnh mô phỏng có cán bộ của "{a}", "{b}" và xã "{c}" trên cổng'))
def officers(world, a, b, c):
    from store.db import upgrade

    upgrade(world["engine"])
    for unit in (a, b, c):
        _create(world["engine"], f"donvi.{unit.lower()}", "don_vi", unit)


@when(parsers.parse('cán bộ "{unit}" nhập "{code}" là "{value}", viết mục "{section}" là "{text}" và nộp báo cáo kỳ '
                    '"{period}" ngày "{on}"'))
def fill_and_submit(world, unit, code, value, section, text, period, on):
    officer, when_ = _officer(world, unit), _day(on)
    po.save_draft(world["engine"], officer, period, {code: value}, {section: text}, when=when_)
    po.submit(world["engine"], officer, period, when=when_)


@when(parsers.parse('cán bộ "{unit}" viết mục "{section}" là "{text}" và nộp báo cáo kỳ "{period}" ngày "{on}"'))
def write_and_submit(world, unit, section, text, period, on):
    officer, when_ = _officer(world, unit), _day(on)
    po.save_draft(world["engine"], officer, period, {}, {section: text}, when=when_)
    po.submit(world["engine"], officer, period, when=when_)


@when(parsers.parse('cán bộ "{unit}" rút báo cáo kỳ "{period}" lúc "{at}"'))
def withdraw(world, unit, period, at):
    po.withdraw(world["engine"], _officer(world, unit), period, when=_day(at))


def _line(world, on, period, unit):
    found = po.register(world["engine"], accounts.SYSTEM, period, today=_day(on).date())
    return found.lines.set_index("unit").loc[unit]


@then(parsers.parse('ngày "{on}", sổ theo dõi kỳ "{period}" ghi "{unit}" là "{state}" {days:d} ngày, qua "{via}"'))
def register_says_days(world, on, period, unit, state, days, via):
    line = _line(world, on, period, unit)
    assert (line["state"], line["days_late"], line["via"]) == (state, days, via)
    assert line["submitted_on"] is not None


@then(parsers.parse('ngày "{on}", sổ theo dõi kỳ "{period}" ghi "{unit}" là "{state}"'))
def register_says(world, on, period, unit, state):
    line = _line(world, on, period, unit)
    assert (line["state"], line["submitted_on"]) == (state, None)


@then(parsers.parse('báo cáo tổng hợp kỳ "{period}" dẫn lời "{unit}" ở mục "{section}": "{text}"'))
def consolidated_quotes(world, period, unit, section, text):
    code = calendar.parse_period(period).code
    document = periodic(world["engine"], code, None, calendar.parse_period(period).due.replace(day=28))
    words = read_docx_text(document, world["dir"] / "tong-hop.docx")
    start = words.index(SECTIONS[section])
    after = list(SECTIONS.values())[list(SECTIONS).index(section) + 1:]
    ends = [i for title in after if (i := words.find(title, start)) > 0]
    with Session(world["engine"]) as s:
        name = s.scalar(select(models.Unit.name).where(models.Unit.code == unit))
    assert f"- {name}: {text}" in words[start:min(ends, default=len(words))]


@then(parsers.parse('cán bộ "{unit}" rút báo cáo kỳ "{period}" lúc "{at}" bị từ chối vì "{words}"'))
def withdraw_refused(world, unit, period, at, words):
    officer = _officer(world, unit)
    before = snapshot(world["engine"])
    with pytest.raises(Refused) as err:
        po.withdraw(world["engine"], officer, period, when=_day(at))
    assert words in err.value.message and snapshot(world["engine"]) == before


@when(parsers.parse('cán bộ "{unit}" lưu nháp kỳ "{period}" với "{a}" là "{x}" và "{b}" là "{y}"'))
def save_wrong(world, unit, period, a, x, b, y):
    officer = _officer(world, unit)
    world["before"] = snapshot(world["engine"])
    with pytest.raises(Refused) as err:
        po.save_draft(world["engine"], officer, period, {a: x, b: y}, when=_day("18/03/2025"))
    world["error"] = err.value


@then(parsers.parse('bị từ chối ở ô "{field}" vì "{words}" và không có gì được ghi'))
def refused_field(world, field, words):
    assert world["error"].field == field and words in world["error"].message
    assert snapshot(world["engine"]) == world["before"]


@when(parsers.parse('cán bộ "{unit}" lưu nháp báo cáo kỳ "{period}" của "{other}"'))
def save_other(world, unit, period, other):
    officer = _officer(world, unit)
    world["before"] = snapshot(world["engine"])
    with pytest.raises(Forbidden) as err:
        po.save_draft(world["engine"], officer, period, {"van_ban_di": "1"}, {"iso": "x"},
                      unit=other, when=_day("18/03/2025"))
    world["error"] = err.value


@then("bị từ chối vì không có quyền và không có gì được ghi")
def forbidden(world):
    assert isinstance(world["error"], Forbidden) and "đơn vị mình" in world["error"].message
    assert snapshot(world["engine"]) == world["before"]
