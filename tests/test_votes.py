"""The council's ballot per nominee and award form: the ballot file read with its rows, every refusal naming
the file, row and column with nothing written, the quorum checked before counting, and two award forms of
one campaign resting on the same title."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli_runner import cchc
from emulation import review as rv
from emulation.campaigns import CAMPAIGNS, load_campaign
from office import emulation as em
from office.errors import Refused
from store import models

VOTED = date(2024, 12, 10)


def ballots_stored(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(models.Ballot))


def inside(nominations) -> list[tuple[str, str]]:
    return [(code, r["form"]) for frame in (nominations.individuals, nominations.collectives)
            for code, r in frame[frame["within_quota"]].iterrows()]


def two_forms_campaign(tmp_path):
    """The shipped campaign with a second award form resting on the same individual title."""
    raw = yaml.safe_load((CAMPAIGNS / "skhcn-ninh-thuan-2024.yaml").read_text(encoding="utf-8"))
    raw["id"] = "hai-hinh-thuc-2024"
    raw["award_forms"] = [
        {"form": "Bằng khen của Ủy ban nhân dân tỉnh", "collectives": 1, "individuals": 1,
         "individual_title": "bang_khen_chu_tich_tinh", "collective_title": "tap_the_lao_dong_xuat_sac"},
        {"form": "Giấy khen của Giám đốc Sở", "collectives": 0, "individuals": 2,
         "individual_title": "bang_khen_chu_tich_tinh", "collective_title": "tap_the_lao_dong_xuat_sac"}]
    path = tmp_path / "hai-hinh-thuc-2024.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_campaign(str(path))


def test_the_cờ_thi_đua_forms_are_voted_on_by_their_own_threshold(tmp_path):
    raw = yaml.safe_load((CAMPAIGNS / "skhcn-ninh-thuan-2024.yaml").read_text(encoding="utf-8"))
    raw["award_forms"] = [{"form": "Cờ thi đua của Ủy ban nhân dân tỉnh", "code": "co_thi_dua_tinh",
                           "collectives": 1, "individuals": 0, "individual_title": "bang_khen_chu_tich_tinh",
                           "collective_title": "tap_the_lao_dong_xuat_sac"}]
    path = tmp_path / "co.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    [flag] = load_campaign(str(path)).award_forms
    key = flag.key("tap_the")
    assert key == "co_thi_dua_tinh" and rv.vote_rule(key)["share"] == 80
    assert rv.passes(8, 10, key) and not rv.passes(7, 10, key)  # ≥ 80%, not the majority of other forms
    assert rv.needed(key) == "≥ 80%"


def test_two_forms_on_one_title_without_codes_are_kept_apart(tmp_path):
    c = two_forms_campaign(tmp_path)
    keys = [q.key("ca_nhan") for q in c.award_forms]
    assert keys[0] != keys[1] and keys[0] == "bang_khen_cua_uy_ban_nhan_dan_tinh"


def test_a_form_s_reward_is_the_law_s_multiple_for_what_it_is_or_the_campaign_s(tmp_path):
    """NĐ 98/2023 Đ.54: a Chiến sĩ thi đua cấp tỉnh is 3.0 times the base salary, a Cờ thi đua of the province 8.0,
    a collective's Bằng khen 3.0; an individual's Bằng khen or Giấy khen is the campaign's [NC], or the form's own.
    Every individual form had been paid the campaign's one figure (a Chiến sĩ thi đua cấp tỉnh 1.5)."""
    raw = yaml.safe_load((CAMPAIGNS / "skhcn-ninh-thuan-2024.yaml").read_text(encoding="utf-8"))
    raw["award_forms"] = [
        {"form": "Chiến sĩ thi đua cấp tỉnh", "collectives": 0, "individuals": 1,
         "individual_title": "chien_si_thi_dua_cap_tinh", "collective_title": "tap_the_lao_dong_xuat_sac"},
        {"form": "Cờ thi đua của Ủy ban nhân dân tỉnh", "code": "co_thi_dua_tinh", "collectives": 1, "individuals": 0,
         "individual_title": "bang_khen_chu_tich_tinh", "collective_title": "tap_the_lao_dong_xuat_sac"},
        {"form": "Bằng khen của Ủy ban nhân dân tỉnh", "collectives": 1, "individuals": 1,
         "individual_title": "bang_khen_chu_tich_tinh", "collective_title": "tap_the_lao_dong_xuat_sac"},
        {"form": "Giấy khen của Giám đốc Sở", "collectives": 0, "individuals": 2, "money": {"ca_nhan": 0.3},
         "individual_title": "lao_dong_tien_tien", "collective_title": "tap_the_lao_dong_tien_tien"}]
    path = tmp_path / "tien-thuong.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    c = load_campaign(str(path))
    cstd, flag, bang_khen, giay_khen = c.award_forms
    assert c.multiple(cstd, "ca_nhan") == 3.0 and c.multiple(flag, "tap_the") == 8.0
    assert c.multiple(bang_khen, "tap_the") == 3.0 and c.multiple(bang_khen, "ca_nhan") == 1.5  # the campaign's
    assert c.multiple(giay_khen, "ca_nhan") == 0.3


def test_quorum_is_data_and_counts_who_is_present():
    q = rv.quorum()
    assert q["share"] == 80 and "86/2025" in q["label"]
    assert q["meeting"] == [2, 3] and q["counts_written"] is True
    assert rv.quorum_met(10, 8, 0) and not rv.quorum_met(10, 7, 0)
    assert rv.quorum_met(10, 7, 3) and rv.quorum_met(9, 7, 2)  # absent members in writing take part
    assert not rv.quorum_met(9, 5, 4)  # 5/9 present: fewer than 2/3, the council does not meet
    assert not rv.quorum_met(10, 7, 0) and not rv.quorum_met(9, 6, 1)  # 7/10, 7/9 taking part: under 80%


def test_votes_per_nominee_and_form_and_every_refusal(province, tmp_path):
    c = two_forms_campaign(tmp_path)
    em.register(province, c, 2024)
    nominations = em.nominate(province, c, 2024)  # two forms resting on one title: no clash in the store
    voted = inside(nominations)
    assert {f for _, f in voted} == {q.key("ca_nhan") for q in c.award_forms}
    both = next(code for code, f in voted if sum(code == k for k, _ in voted) == 2)  # the best: on both forms
    first, second = (q.key("ca_nhan") for q in c.award_forms)

    path = tmp_path / "phieu.csv"
    rows = [f"{code},{c.award_forms[0].form if f == first else f},{9 if f == first else 4}" for code, f in voted]
    path.write_text("Mã,Hình thức,Phiếu đồng ý\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ballots = em.vote(province, c, em.read_ballots(path), 10, 8, 2, VOTED)
    by_key = {(b.participant, b.form): b for b in ballots}
    assert by_key[(both, first)].yes == 9 and by_key[(both, first)].passed
    assert by_key[(both, second)].yes == 4 and not by_key[(both, second)].passed  # its own count, its own form
    awards = em.decide(province, c, 2024)
    assert [(a.participant, a.form) for a in awards if a.participant_kind == "ca_nhan"] == \
        [(both, c.award_forms[0].form)]
    stored = ballots_stored(province)

    def refused(text: str, header: str = "Mã,Hình thức,Phiếu đồng ý", **council) -> Refused:
        path.write_text(header + "\n" + text, encoding="utf-8")
        with pytest.raises(Refused) as e:
            em.vote(province, c, em.read_ballots(path), council.get("members", 10), council.get("present", 8),
                    council.get("written", 2), VOTED)
        assert ballots_stored(province) == stored  # nothing written
        return e.value

    lines = "\n".join(rows) + "\n"
    missing = refused("\n".join(r for r in rows if not r.startswith(both)) + "\n")
    assert missing.message.startswith("phieu.csv: thiếu phiếu của") and f"«{both}» (" in missing.message
    names = nominations.individuals.loc[both, "name"]
    assert (names.iloc[0] if hasattr(names, "iloc") else names) in missing.message  # named, not only coded
    stranger = refused(lines + "KHONGCO,Giấy khen của Giám đốc Sở,3\n")
    assert f"phieu.csv, dòng {len(rows) + 2}, cột «Mã»: «KHONGCO» không có trong danh sách đề nghị" in stranger.message
    wrong_form = refused(lines.replace(f"{both},{c.award_forms[0].form}", f"{both},Cờ thi đua", 1))
    assert "cột «Hình thức»" in wrong_form.message and "không được đề nghị hình thức «Cờ thi đua»" in wrong_form.message
    twice = refused(lines + f"{both},{first},5\n")  # the same form, once by name and once by code
    assert f"dòng {len(rows) + 2}, cột «Mã»: phiếu của «{both}»" in twice.message and "đã ghi ở phieu.csv, dòng" \
        in twice.message
    same_row = refused(lines + rows[0] + "\n")
    assert f"dòng {len(rows) + 2}, cột «Hình thức»" in same_row.message and "đã có phiếu ở dòng 2" in same_row.message
    too_many = refused(lines.replace(f"{both},{c.award_forms[0].form},9", f"{both},{c.award_forms[0].form},11"))
    assert "cột «Phiếu đồng ý»: 11 phiếu đồng ý" in too_many.message and "(10)" in too_many.message
    two_columns = refused("".join(f"{code},5\n" for code in dict.fromkeys(k for k, _ in voted)),
                          header="Mã,Phiếu đồng ý")
    assert "cột «Hình thức»" in two_columns.message and "được đề nghị nhiều hình thức" in two_columns.message
    short = refused(lines, members=10, present=6, written=1)
    assert short.field == "--present" and "không đủ số thành viên để kiểm phiếu" in short.message
    assert "6/10 thành viên có mặt" in short.message and "7/10 tham gia" in short.message and "≥ 80%" in short.message

    province.dispose()  # the command line ranks the two forms resting on one title too
    done = cchc("emulation", "nominate", tmp_path / "hai-hinh-thuc-2024.yaml", cwd=tmp_path, db=tmp_path / "tinh.db")
    assert done.returncode == 0, done.stderr
    assert "Cá nhân: thứ tự đề nghị" in done.stdout and both in done.stdout


def test_the_two_column_file_still_serves_a_campaign_of_one_form_per_nominee(province, tmp_path):
    c = em.campaign("skhcn-ninh-thuan-2024")
    em.register(province, c, 2024)
    voted = inside(em.nominate(province, c, 2024))
    path = tmp_path / "phieu.csv"
    path.write_text("Mã,Phiếu đồng ý\n" + "".join(f"{code},10\n" for code, _ in voted), encoding="utf-8")
    ballots = em.vote(province, c, em.read_ballots(path), 10, 9, 1, VOTED)
    assert {(b.participant, b.form) for b in ballots} == set(voted) and all(b.passed for b in ballots)
    with pytest.raises(Refused) as e:  # the review refuses a short council before it writes anything
        em.review(province, c, 2024, em.read_ballots(path), em.Council(10, 6, 2), "", "html", tmp_path / "out")
    assert e.value.field == "--present" and not (tmp_path / "out").exists()

    path.write_text("Mã,Phiếu đồng ý\n", encoding="utf-8")  # the command line names the nominee left off
    province.dispose()
    done = cchc("emulation", "vote", c.id, "--ballots", path, "--members", "10", "--present", "9", "--written", "1",
                cwd=tmp_path, db=tmp_path / "tinh.db")
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert "phieu.csv: thiếu phiếu của «" in said and all(f"«{code}»" in said for code, _ in voted)
    assert ballots_stored(province) == len(ballots)
