"""Step definitions for the Vietnamese scenarios in features/."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import DOSSIER_HEADERS, UNIT_HEADERS, dossier, snapshot, write_csv, write_xlsx
from store import calendar, models
from store.ingest import IngestError, ingest_file
from store.queries import indicator_frame

scenarios("nhap_lieu.feature", "lich_bao_cao.feature")


@pytest.fixture
def world(engine, tmp_path):
    return {"engine": engine, "dir": tmp_path, "error": None, "result": None}


def _table(datatable) -> tuple[list[str], list[list[str]]]:
    return datatable[0], datatable[1:]


def _ingest(world, path, **kw):
    world["before"] = snapshot(world["engine"])
    world["error"] = None
    try:
        world["result"] = ingest_file(world["engine"], path, **kw)
    except IngestError as err:
        world["error"] = err


@given(parsers.parse('danh mục đơn vị đã có Sở Khoa học và Công nghệ "{a}" và Sở Tư pháp "{b}"'))
def units(world, a, b):
    ingest_file(world["engine"], write_xlsx(world["dir"] / "don_vi.xlsx", UNIT_HEADERS, [
        ["TINH", "UBND tỉnh Lai Châu", "UBND tỉnh", ""],
        [a, "Sở Khoa học và Công nghệ", "Sở, ban, ngành", "TINH"],
        [b, "Sở Tư pháp", "Sở, ban, ngành", "TINH"],
    ]))


@when(parsers.parse('tôi nhập tệp số liệu "{name}" gồm:'))
def ingest_facts(world, name, datatable):
    headers, rows = _table(datatable)
    path = world["dir"] / name
    if name.endswith(".xlsx"):
        write_xlsx(path, headers, [[int(v) if v.lstrip("-").isdigit() else v for v in r] for r in rows])
    else:
        write_csv(path, headers, rows)
    _ingest(world, path)


@when(parsers.parse('tôi nhập lại tệp "{name}"'))
def ingest_again(world, name):
    _ingest(world, world["dir"] / name)


def _dossier_rows(datatable):
    headers, rows = _table(datatable)
    out = []
    for r in rows:
        cells = dict(zip(headers, r))
        out.append(dossier(unit=cells["Mã đơn vị"], code=cells["Mã hồ sơ"], received=cells["Ngày tiếp nhận"],
                           due=cells["Ngày hẹn trả"], finished=cells["Ngày có kết quả"],
                           channel=cells["Hình thức nộp"], supplements=cells["Số lần yêu cầu bổ sung"]))
    return out


@when(parsers.parse('tôi nhập tệp hồ sơ "{name}" gồm:'))
def ingest_dossiers(world, name, datatable):
    _ingest(world, write_csv(world["dir"] / name, DOSSIER_HEADERS, _dossier_rows(datatable)))


@when(parsers.parse('tôi nhập tệp hồ sơ "{name}" của năm {year:d} gồm:'))
def ingest_dossiers_of_year(world, name, year, datatable):
    _ingest(world, write_csv(world["dir"] / name, DOSSIER_HEADERS, _dossier_rows(datatable)), year=year)


@then(parsers.parse('tệp bị từ chối với lỗi "{message}"'))
def refused(world, message):
    assert world["error"] is not None, "the file was accepted"
    assert any(message in str(p) for p in world["error"].problems), world["error"].render()


@then("không có dữ liệu nào được ghi")
def nothing_written(world):
    assert snapshot(world["engine"]) == world["before"]


@then("hệ thống báo tệp đã được nhập và không có dữ liệu nào được ghi")
def already(world):
    assert world["error"] is None and world["result"].already
    assert snapshot(world["engine"]) == world["before"]


@then(parsers.parse('số liệu hiện hành "{indicator}" của "{unit}" kỳ "{period}" là {value:d}'))
@then(parsers.parse('chỉ tiêu "{indicator}" của "{unit}" kỳ "{period}" là {value:d}'))
def current_value(world, indicator, unit, period, value):
    assert world["error"] is None, world["error"] and world["error"].render()
    assert indicator_frame(world["engine"], period).loc[unit, indicator] == value


@then(parsers.parse('hệ thống vẫn lưu {n:d} giá trị của "{indicator}"'))
def kept(world, n, indicator):
    with Session(world["engine"]) as s:
        assert s.scalar(select(func.count()).select_from(models.Fact)
                        .where(models.Fact.indicator_code == indicator)) == n


@when(parsers.parse('tôi xem kỳ "{text}"'), target_fixture="period")
def see_period(text):
    return calendar.parse_period(text)


@then(parsers.parse('số liệu tính từ ngày "{start}" đến ngày "{end}"'))
def window(period, start, end):
    assert (f"{period.start:%d/%m/%Y}", f"{period.end:%d/%m/%Y}") == (start, end)


@then(parsers.parse('hạn gửi báo cáo là ngày "{due}"'))
def due(period, due):
    assert f"{period.due:%d/%m/%Y}" == due


@when(parsers.parse('một hồ sơ được tiếp nhận ngày "{day}"'), target_fixture="received")
def received_on(day):
    return datetime.strptime(day, "%d/%m/%Y").date()


@then(parsers.parse("hồ sơ thuộc năm báo cáo {year:d}"))
def belongs(received, year):
    assert calendar.reporting_year_of(received) == year
