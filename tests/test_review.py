"""Nominations against quotas, ties, the council's thresholds, and a campaign reviewed end to end."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from emulation.review import passes, rank_with_quota


def candidates(rows):
    return pd.DataFrame(rows, columns=["code", "name", "xep_loai", "so_nam", "priority"]).set_index("code")


def test_a_quota_of_one_with_a_tie_goes_to_the_woman():
    ranked = rank_with_quota(candidates([("A", "Anh", 4, 2, 0), ("B", "Bình", 4, 2, 1), ("C", "Chi", 3, 2, 1)]),
                             ["xep_loai", "so_nam"], 1)
    assert list(ranked.index) == ["B", "A", "C"]
    assert ranked["within_quota"].tolist() == [True, False, False]
    assert ranked.loc["B", "note"].startswith("ưu tiên khi bằng thành tích") and ranked.loc["C", "note"] == ""


def test_a_tie_the_priority_cannot_break_goes_to_the_council():
    ranked = rank_with_quota(candidates([("A", "Anh", 4, 2, 1), ("B", "Bình", 4, 2, 1), ("C", "Chi", 3, 1, 1)]),
                             ["xep_loai", "so_nam"], 1)
    assert ranked["within_quota"].tolist() == [True, True, False]
    assert ranked.loc["A", "note"] == "bằng thành tích ở ranh giới chỉ tiêu: Hội đồng bỏ phiếu quyết định"


@pytest.mark.parametrize("yes, members, form, passed", [
    (79, 100, "chien_si_thi_dua_co_so", False), (80, 100, "chien_si_thi_dua_co_so", True),
    (8, 10, "chien_si_thi_dua_co_so", True), (7, 10, "chien_si_thi_dua_co_so", False),
    (89, 100, "chien_si_thi_dua_cap_tinh", False), (90, 100, "chien_si_thi_dua_cap_tinh", True),
    (5, 10, "bang_khen_chu_tich_tinh", False), (6, 10, "bang_khen_chu_tich_tinh", True),
    (7, 10, "co_thi_dua_tinh", False), (8, 10, "co_thi_dua_tinh", True),  # a Cờ thi đua form, by its code
])
def test_council_thresholds_are_shares_of_all_members(yes, members, form, passed):
    assert passes(yes, members, form) is passed


def test_a_campaign_reviewed_end_to_end(province, tmp_path):
    from office.emulation import Council, review
    from emulation.campaigns import load_campaign
    from emulation.eligibility import eligibility
    from store import models

    engine = province
    campaign = load_campaign("skhcn-ninh-thuan-2024")
    paths = review(engine, campaign, 2024, None, Council(9, 8, 1), "125/QĐ-UBND", "docx", tmp_path / "out")
    assert [p.name for p in paths] == ["danh-sach-dang-ky-skhcn-ninh-thuan-2024.docx",
                                       "bien-ban-binh-xet-skhcn-ninh-thuan-2024.docx",
                                       "to-trinh-skhcn-ninh-thuan-2024.docx",
                                       "quyet-dinh-khen-thuong-skhcn-ninh-thuan-2024.docx"]
    with Session(engine) as s:
        awards = s.scalars(select(models.Award)).all()
        registered = s.scalars(select(models.Registration)).all()
    individuals = [a for a in awards if a.participant_kind == "ca_nhan"]
    assert len(individuals) == 1 and individuals[0].amount == 3_510_000  # 1.5 × 2.340.000 đ
    el = eligibility(engine, 2024)
    assert el.table().loc[individuals[0].participant, "bang_khen_chu_tich_tinh"]  # only the eligible are awarded
    assert all(r.committed for r in registered)  # seed 004: 100% sign the pledge
    again = review(engine, campaign, 2024, None, Council(9, 8, 1), "125/QĐ-UBND", "docx", tmp_path / "out")
    with Session(engine) as s:
        assert len(s.scalars(select(models.Award)).all()) == len(awards)  # re-running adds nothing
    assert len(again) == 4


@pytest.mark.parametrize("change, said", [
    (lambda p: p["award_forms"][0].pop("collective_title"),
     "hình thức khen thưởng thứ 1 («award_forms»): thiếu «collective_title»"),
    (lambda p: p.pop("end"), "tệp phong trào: thiếu «end»"),
    (lambda p: p.update(han_nop="2024-12-01"), "tệp phong trào: không có khóa «han_nop»"),
    (lambda p: p.update(award_forms="Bằng khen"), "«award_forms» phải là một danh sách hình thức khen thưởng"),
])
def test_a_campaign_file_edited_wrong_is_refused_naming_the_key(tmp_path, change, said):
    """A province's own campaign file with a key missing or unknown had been refused only as «not readable»
    (a missing key of a form: a TypeError within)."""
    import yaml

    from office.emulation import campaign
    from office.errors import Refused

    plan = yaml.safe_load(open("emulation/campaigns/skhcn-ninh-thuan-2024.yaml", encoding="utf-8"))
    change(plan)
    path = tmp_path / "phong-trao.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    with pytest.raises(Refused) as e:
        campaign(str(path))
    assert e.value.message.endswith(said), e.value.message
