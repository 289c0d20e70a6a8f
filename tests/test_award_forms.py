"""One table of the titles and award forms: what people write for them and who decides them, read the same by the
ingestion, the eligibility, the campaigns and the office."""

from __future__ import annotations

import pandas as pd
import pytest

from base.award_forms import ABOVE_PROVINCE, FORMS, PROVINCE_DECIDES, WORDS, decided_by, form_code
from emulation.campaigns import AwardQuota
from emulation.eligibility import Record, decided, used_initiatives


def test_every_name_of_a_form_is_decided_where_its_code_is():
    for word, code in WORDS.items():
        assert decided_by(word) == ("tinh" if code in PROVINCE_DECIDES else "don_vi"), word


@pytest.mark.parametrize("text", ["Chiến sỹ thi đua cấp tỉnh", "CSTĐ cấp tỉnh", "Chiến sĩ thi đua bộ, ban, ngành, tỉnh",
                                  "TTLĐXS", "Cờ thi đua của UBND tỉnh", "co_thi_dua_tinh"])
def test_a_provincial_title_by_any_of_its_names_is_the_provinces(text):
    """Luật TĐKT 2022 Đ.80: a department's head decides Lao động tiên tiến, Chiến sĩ thi đua cơ sở, Tập thể lao
    động tiên tiến and Giấy khen only."""
    assert decided_by(text) == "tinh"


@pytest.mark.parametrize("text, kind, code", [
    ("Bằng khen của Ủy ban nhân dân tỉnh", "ca_nhan", "bang_khen_chu_tich_tinh"),
    ("Bằng khen của Ủy ban nhân dân tỉnh", "tap_the", "bang_khen_tap_the"),
    ("Giấy khen của Giám đốc Sở Nội vụ", "ca_nhan", "giay_khen"),
    ("Danh hiệu Chiến sĩ thi đua cơ sở năm 2024", "ca_nhan", "chien_si_thi_dua_co_so"),
    ("Tập thể lao động xuất sắc", "tap_the", "tap_the_lao_dong_xuat_sac"),
    ("Bằng khen của Thủ tướng Chính phủ", "ca_nhan", "bang_khen_thu_tuong"),
    ("Cờ thi đua của Chính phủ", "tap_the", "co_thi_dua_chinh_phu"),
    ("Phần thưởng của Hội", "ca_nhan", None),
])
def test_a_campaigns_form_in_free_text_is_read_as_its_code(text, kind, code):
    assert form_code(text, kind) == code


def test_a_form_above_the_province_goes_through_it_and_has_no_rule_of_the_provinces_form():
    for label in ABOVE_PROVINCE.values():
        assert decided_by(label) == "tinh"
        assert AwardQuota(label, 1, 1, "lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac").own_title("ca_nhan") is None


@pytest.mark.parametrize("text, kind, own", [
    ("Chiến sỹ thi đua cơ sở", "ca_nhan", "chien_si_thi_dua_co_so"),
    ("Chiến sĩ thi đua cấp cơ sở", "ca_nhan", "chien_si_thi_dua_co_so"),
    ("Chiến sĩ thi đua cấp tỉnh", "tap_the", None),
    ("Bằng khen của Chủ tịch UBND tỉnh", "tap_the", "bang_khen_tap_the"),
    ("Giấy khen của Giám đốc sở", "ca_nhan", None),
])
def test_a_campaign_form_is_held_to_its_own_title_by_any_of_its_names(text, kind, own):
    assert AwardQuota(text, 1, 1, "lao_dong_tien_tien", "tap_the_lao_dong_tien_tien").own_title(kind) == own


def _record(awards: list[tuple]) -> Record:
    empty = lambda *c: pd.DataFrame(columns=list(c))  # noqa: E731
    return Record(empty("name", "gender", "unit", "unit_name", "position"), empty("person", "year", "rating"),
                  empty("person", "year", "status"), pd.DataFrame([("CB1", 2024, "co_so", "SK1")],
                                                                  columns=["person", "year", "level", "code"]),
                  pd.DataFrame(awards, columns=["person", "year", "form", "initiatives", "scope", "campaign"]))


def test_a_campaigns_chien_si_thi_dua_under_the_laws_name_is_the_title_decided():
    held = decided(_record([("CB1", 2024, "Chiến sĩ thi đua cấp cơ sở", "", "SKHCN", 1)]), 2024)
    assert held is not None and held["CB1"] == 1.0


def test_an_initiative_backing_the_prime_ministers_bang_khen_is_not_free_for_the_provinces():
    """CV 5007/BNV-TĐKT 2023: an initiative backs one award form; the Prime Minister's Bằng khen is not the
    province's (Luật TĐKT 2022 Đ.74 is the province's)."""
    record = _record([("CB1", 2024, "Bằng khen của Thủ tướng Chính phủ", "SK1", "", 0)])
    assert "SK1" in used_initiatives(record, 2024, "bang_khen_chu_tich_tinh")
    assert form_code(FORMS["ca_nhan"]["bang_khen_chu_tich_tinh"]) == "bang_khen_chu_tich_tinh"


@pytest.mark.parametrize("form", ["Tập thể lao động xuất sắc", "Danh hiệu Tập thể lao động xuất sắc", "TTLĐXS"])
def test_a_collectives_title_of_the_year_before_is_read_by_any_of_its_names(engine, tmp_path, form):
    """The second of two consecutive years of Tập thể lao động xuất sắc (Luật TĐKT 2022 Đ.74, a collective's Bằng
    khen) reads the year before's title however its decision wrote it."""
    from datetime import date

    from sqlalchemy.orm import Session

    from emulation.collectives import collective_record
    from helpers import units_file
    from store import models
    from store.ingest import ingest_file

    ingest_file(engine, units_file(tmp_path))
    with Session(engine) as s, s.begin():
        s.add(models.Award(year=2023, participant_kind="tap_the", participant="SKHCN-VP", form=form,
                           decision_no="5/QĐ-UBND", decided_on=date(2023, 12, 20), amount=0, initiatives=""))
    assert collective_record(engine, ["SKHCN-VP"], 2024).loc["SKHCN-VP", "ttldxs_nam_truoc"] == 1.0


def _campaign_with(tmp_path, forms: list[dict]):
    import yaml

    from emulation.campaigns import load_campaign

    plan = yaml.safe_load(open("emulation/campaigns/skhcn-ninh-thuan-2024.yaml", encoding="utf-8"))
    plan.update(id="mot-phong-trao", award_forms=forms)
    path = tmp_path / "mot-phong-trao.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return load_campaign(str(path))


def test_a_co_thi_dua_form_without_a_code_is_voted_and_paid_as_the_co_thi_dua_it_is(tmp_path):
    """NĐ 98/2023 Đ.30 k.7: a Cờ thi đua needs ≥ 80% of all members, and Đ.54 pays it 8 times the base salary.
    Written without `code`, the form went under the title it rests on (Tập thể lao động xuất sắc): carried
    by 5 «đồng ý» of 9 members (over half) and paid the campaign's own figure."""
    from emulation.review import passes

    c = _campaign_with(tmp_path, [{"form": "Cờ thi đua của Ủy ban nhân dân tỉnh", "collectives": 1, "individuals": 0,
                                   "individual_title": "chien_si_thi_dua_co_so",
                                   "collective_title": "tap_the_lao_dong_xuat_sac"}])
    key = c.award_forms[0].key("tap_the")
    assert key == "co_thi_dua_tinh"
    assert not passes(7, 9, key) and passes(8, 9, key)
    assert c.multiple(c.award_forms[0], "tap_the") == 8.0


def test_a_chien_si_thi_dua_form_sharing_its_title_keeps_the_titles_threshold(tmp_path):
    """Two forms resting on Chiến sĩ thi đua cơ sở are told apart by codes; the one that is that title itself, named
    as the Law names it («cấp cơ sở»), keeps its ≥ 80% (NĐ 98/2023 Đ.30 k.7), not the majority of a form the decree
    does not list."""
    from emulation.review import passes

    c = _campaign_with(tmp_path, [
        {"form": "Chiến sĩ thi đua cấp cơ sở", "collectives": 0, "individuals": 2,
         "individual_title": "chien_si_thi_dua_co_so", "collective_title": "tap_the_lao_dong_tien_tien"},
        {"form": "Giấy khen của Giám đốc Sở", "collectives": 0, "individuals": 2,
         "individual_title": "chien_si_thi_dua_co_so", "collective_title": "tap_the_lao_dong_tien_tien"}])
    cstdcs, giay_khen = (q.key("ca_nhan") for q in c.award_forms)
    assert cstdcs == "chien_si_thi_dua_co_so" and giay_khen not in (cstdcs, "chien_si_thi_dua_co_so")
    assert not passes(7, 9, cstdcs) and passes(8, 9, cstdcs)
