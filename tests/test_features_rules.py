"""Step definitions for features/bo_tieu_chi.feature."""

from __future__ import annotations

import pandas as pd
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from rules.evaluate import evaluate
from rules.ruleset import RuleSetError, find, parse

scenarios("bo_tieu_chi.feature")

FULL = dict(so_ccvc=42, ccvc_ky_cam_ket=42, tthc_tong=53, tthc_cong_khai=53, tthc_cap_nhat_dung_han=53,
            quy_trinh_noi_bo=53, quy_trinh_noi_bo_dvctt_4=53, tthc_don_gian_hoa=11, ty_le_hai_long=93.5,
            vbqppl_phai_ra_soat=12, vbqppl_da_ra_soat=12, ccvc_dung_van_phong_dien_tu=42, van_ban_di=1250,
            van_ban_mat=14, van_ban_ky_so=1236, ddci_diem=84.5, ddci_hang=2, dti_hang=7, website_du_thong_tin=1,
            kind="so_nganh")


def vn(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


@pytest.fixture
def case():
    return {"inputs": {}}


@given(parsers.parse('bộ tiêu chí "{name}"'))
def chosen(case, name):
    case["ruleset"] = find(name)


@given("Sở Khoa học và Công nghệ có số liệu đạt đủ mọi nội dung thi đua")
def full(case):
    case["inputs"].update(FULL)


@given(parsers.parse("số quy trình nội bộ ở mức độ 4 là {n:d} trên {total:d}"))
def procedures(case, n, total):
    case["inputs"].update(quy_trinh_noi_bo_dvctt_4=n, quy_trinh_noi_bo=total)


@given(parsers.parse("số TTHC được đơn giản hóa là {n:d} trên {total:d}"))
def simplified(case, n, total):
    case["inputs"].update(tthc_don_gian_hoa=n, tthc_tong=total)


@given(parsers.parse("Sở có {out:d} văn bản đi, trong đó {secret:d} văn bản mật và {signed:d} văn bản ký số"))
def documents(case, out, secret, signed):
    case["inputs"].update(van_ban_di=out, van_ban_mat=secret, van_ban_ky_so=signed)


@given(parsers.parse("một UBND xã tiếp nhận {n:d} hồ sơ, trong đó {online:d} hồ sơ trực tuyến"))
def dossiers(case, n, online):
    case["inputs"].update(hs_tiep_nhan=n, hs_truc_tuyen=online, kind="xa_phuong")


@when("chấm điểm")
def score(case):
    case["result"] = evaluate(case["ruleset"], pd.DataFrame([case["inputs"]], index=["DV"]))


@then(parsers.parse('tiêu chí "{cid}" được {points} điểm'))
def points(case, cid, points):
    assert case["result"].points[cid][0] == pytest.approx(vn(points))


@then(parsers.parse('lời giải thích tiêu chí "{cid}" là "{sentence}"'))
def sentence(case, cid, sentence):
    [e] = [e for e in case["result"].explain("DV") if e.criterion == cid]
    assert e.sentence.startswith(sentence), e.sentence


@then(parsers.parse('tổng điểm là {total:d} và xếp loại "{label}"'))
def total(case, total, label):
    row = case["result"].summary().iloc[0]
    assert (row["diem"], row["xep_loai"]) == (total, label)


@given(parsers.parse('một bộ tiêu chí có tiêu chí "{cid}" với giá trị "{value}"'), target_fixture="text")
def hostile(cid, value):
    return (f"id: x\ntitle: X\nreference: r\nentity: unit\ninputs: {{a: A}}\ncriteria:\n"
            f"  - {{id: '{cid}', title: T, max: 1, value: \"{value}\", scoring: {{method: boolean}}, reference: r}}\n")


@given(parsers.parse('một bộ tiêu chí có tiêu chí "{cid}" với giá trị là {n:d} dấu trừ lồng nhau trước "{name}"'),
       target_fixture="text")
def deep(cid, n, name):
    return hostile(cid, "- " * n + name)


@given(parsers.parse("một bộ tiêu chí có {levels:d} tầng bí danh YAML, mỗi tầng gọi tầng dưới {width:d} lần"),
       target_fixture="text")
def laughs(levels, width):
    layers = [f"  l0: &l0 [{', '.join(['cười'] * width)}]"]
    layers += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return hostile("1.1", "a").replace("criteria:", "variables_note:\n" + "\n".join(layers) + "\ncriteria:")


@then(parsers.parse('bộ tiêu chí bị từ chối với lỗi "{message}"'))
def refused(text, message):
    with pytest.raises(RuleSetError) as caught:
        parse(text, "x.yaml")
    assert message in str(caught.value)
