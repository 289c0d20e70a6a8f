"""Step definitions for features/cong_cchc.feature, at the office level."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from office import accounts, appraisal, assessment, public, rounds
from portal_fixtures import PASSWORD, portal  # noqa: F401 (fixture)

scenarios("cong_cchc.feature")


@pytest.fixture
def world():
    return {}


def _who(world, name):
    return accounts.login(world["engine"], name, PASSWORD).actor


@given("tỉnh mô phỏng có đợt tự đánh giá Chỉ số CCHC sở, ban, ngành năm 2024 đang mở")
def open_round(world, portal, tmp_path):
    world["engine"], world["round"], world["dir"] = *portal, tmp_path


@when(parsers.parse('cán bộ "{unit}" khai "{a}" là {x:d} và "{b}" là {y:d}, tải lên tài liệu cho tiêu chí '
                    '"{criterion}" và nộp'))
def declare(world, unit, a, x, b, y, criterion):
    officer = _who(world, f"donvi.{unit.lower()}")
    assessment.save_draft(world["engine"], officer, world["round"], {a: str(x), b: str(y)})
    assessment.upload(world["engine"], officer, world["round"], criterion, "so-van-ban.pdf", b"%PDF-1.4 x",
                      root=world["dir"])
    assessment.submit(world["engine"], officer, world["round"])


@when(parsers.parse('thẩm định viên chấm tiêu chí "{criterion}" còn {points:d} điểm với lý do "{reason}"'))
def appraise(world, criterion, points, reason):
    appraisal.appraise(world["engine"], _who(world, "thamdinh"), world["round"], "SKHCN", criterion, points, reason)


@when(parsers.parse('thẩm định viên yêu cầu bổ sung tiêu chí "{criterion}"'))
def ask(world, criterion):
    world["ask"] = appraisal.request_feedback(world["engine"], _who(world, "thamdinh"), world["round"], "SKHCN",
                                              criterion, "Bổ sung sổ văn bản đi", datetime.now() + timedelta(days=5))


@when(parsers.parse('cán bộ "{unit}" trả lời "{answer}"'))
def answer(world, unit, answer):
    appraisal.answer_feedback(world["engine"], _who(world, f"donvi.{unit.lower()}"), world["ask"], answer)


@when("văn phòng công bố kết quả đợt")
def publish(world):
    world["run"] = rounds.publish(world["engine"], accounts.SYSTEM, world["round"])


@then(parsers.parse('bảng xếp hạng công bố có "{unit}"'))
def ranked(world, unit):
    assert unit in [r[1] for r in public.ranking(world["engine"], world["run"]).rows]


@then(parsers.parse('phiếu điểm của "{unit}" ghi lý do "{reason}" ở tiêu chí "{criterion}"'))
def reason_shown(world, unit, reason, criterion):
    leaf = next(l for l in public.scorecard(world["engine"], world["run"], unit).leaves if l[0] == criterion)
    assert leaf[4] and leaf[6] == reason
