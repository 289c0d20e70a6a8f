"""Step definitions for features/hoi_dong_truc_tuyen.feature: the council's session in the portal, at the
office's level, on a copy of the demo province."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from office import council as cl
from office import emulation as em
from office.errors import Refused
from store import models
from store.db import upgrade
from test_council import AFTER, AT_MEETING, CLOSES, MEETING, OPENED, campaign_file, items_of, members, office, vote_all

scenarios("hoi_dong_truc_tuyen.feature")


@pytest.fixture
def case():
    return {}


@given(parsers.parse("phong trào có {n:d} người được đề nghị Chiến sĩ thi đua cơ sở năm {year:d}"))
def nominated(case, province, tmp_path, n, year):
    upgrade(province)
    case["ref"] = campaign_file(tmp_path)
    c = em.campaign(case["ref"])
    em.register(province, c, year)
    assert int(em.nominate(province, c, year).individuals["within_quota"].sum()) == n
    case["office"] = office(province)


@given(parsers.parse("Hội đồng {n:d} thành viên, văn phòng đã mở phiên bỏ phiếu"))
def opened(case, province, n):
    case["members"] = members(province, n)
    case["session"] = cl.open_session(province, case["office"], case["ref"], [m.username for m in case["members"]],
                                      MEETING, CLOSES, now=OPENED)


@when(parsers.parse("{present:d} thành viên có mặt và {written:d} thành viên gửi ý kiến bằng văn bản, số phiếu "
                    "đồng ý lần lượt {counts}"))
def voted(case, province, present, written, counts):
    yes = [int(c) for c in counts.split(",")]
    people = case["members"][:present + written]  # the others neither came nor wrote
    patterns = [tuple(i < y for y in yes) for i in range(len(people))]
    vote_all(province, case["session"], people, patterns, written)


@when("văn phòng kết thúc phiên")
def close(case, province):
    case["closed"] = cl.close_session(province, case["office"], case["session"], now=AFTER)


@then(parsers.parse("phiên hợp lệ, biên bản ghi {members:d} thành viên, {present:d} có mặt, {written:d} ý kiến "
                    "bằng văn bản"))
def valid(case, province, members, present, written):
    assert case["closed"].state == "dong"
    c = em.campaign(case["ref"])
    minutes = dict(em.review_documents(province, c, 2024))[f"bien-ban-binh-xet-{c.id}"]
    said = " ".join(getattr(b, "text", "") or "" for b in minutes.blocks)
    assert f"Tổng số thành viên Hội đồng: {members}; có mặt: {present}; vắng mặt có ý kiến bằng văn bản: {written}" \
        in said
    case["minutes"] = minutes


@then(parsers.parse("kết quả lần lượt là {results}"))
def results(case, results):
    wanted = [r.strip().strip('"') for r in results.split(",")]
    assert [row[-1] for row in case["minutes"].tables["bo_phieu"].rows] == wanted


@then("không bảng nào có dòng ghi cả thành viên lẫn lựa chọn của họ")
def secret(case, province):
    ids = {m.account_id for m in case["members"]}
    names = {m.username for m in case["members"]} | {m.full_name for m in case["members"]}
    with province.connect() as conn:
        for table in inspect(province).get_table_names():
            columns = [c["name"] for c in inspect(province).get_columns(table)]
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                member = any(row.get(c) in ids for c in columns if c.endswith("account_id")) or any(
                    isinstance(v, str) and any(n in v for n in names) for v in row.values())
                choice = any(c in ("yes", "no", "choice", "lua_chon") for c in columns) or any(
                    isinstance(v, str) and ("dong_y" in v or "đồng ý" in v.lower()) for v in row.values())
                assert not (member and choice), (table, dict(row))


@then(parsers.parse('phiên không hợp lệ với lý do "{reason}"'))
def not_valid(case, reason):
    assert case["closed"].state == "khong_hop_le" and reason in case["closed"].reason


@then("không phiếu nào được ghi vào kết quả của phong trào")
def no_ballot(province):
    with Session(province) as s:
        assert s.scalar(select(func.count()).select_from(models.Ballot)) == 0


@when("một thành viên bỏ phiếu đồng ý cho người thứ nhất")
def first_vote(case, province):
    case["first"] = items_of(province, case["session"])[0]
    cl.cast(province, case["members"][0], case["session"], "hop", {str(case["first"]): "dong_y"}, now=AT_MEETING)


@when("thành viên đó bỏ phiếu lại không đồng ý cho người thứ nhất")
def second_vote(case, province):
    try:
        cl.cast(province, case["members"][0], case["session"], "hop", {str(case["first"]): "khong_dong_y"},
                now=AT_MEETING)
    except Refused as e:
        case["refused"] = e


@then(parsers.parse('phiếu sau bị từ chối với lý do "{reason}"'))
def refused(case, reason):
    assert reason in case["refused"].message


@then(parsers.parse("người thứ nhất chỉ được tính {n:d} phiếu"))
def counted_once(case, province, n):
    with Session(province) as s:
        item = s.get(models.CouncilItem, case["first"])
        assert (item.yes, item.no) == (1, 0) and item.yes + item.no == n
