"""The portal's use cases at the office level, on SQLite: accounts, rounds, the self-assessment, appraisal,
feedback, the dashboard, publication; every refusal writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import snapshot
from office import accounts, appraisal, assessment, audit, dashboard, public, rounds
from office.errors import Forbidden, Refused
from portal_fixtures import PASSWORD, portal  # noqa: F401 (fixture)
from store import models

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n"


def who(engine, name):
    return accounts.login(engine, name, PASSWORD, "10.0.0.1").actor


def refused(engine, call, *args, field=None, **kwargs):
    """Call a use case that must refuse: the message, after checking nothing was written."""
    before = snapshot(engine)
    audited = _audit_count(engine)
    with pytest.raises(Refused) as err:
        call(engine, *args, **kwargs)
    assert snapshot(engine) == before and _audit_count(engine) == audited
    if field:
        assert err.value.field == field, err.value.message
    return err.value.message


def _audit_count(engine):
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(models.AuditEntry))


def test_the_whole_round_at_office_level(portal, tmp_path):
    engine, rid = portal
    unit, judge, office = who(engine, "donvi.skhcn"), who(engine, "thamdinh"), accounts.SYSTEM
    form = assessment.form(engine, unit, rid)
    assert form.unit.code == "SKHCN" and form.editable and form.state == "nhap"
    by_id = {r.leaf.id: r for r in form.rows}
    # stored figures from dossiers are read-only with their source; declared ones are editable
    online = next(f for f in by_id["1.7.2"].figures if f.code == "hs_truc_tuyen")
    assert not online.editable and "hồ sơ TTHC" in online.source
    assert next(f for f in by_id["1.7.1"].figures if f.code == "van_ban_ky_so").editable
    assert "Đạt 100% trở lên" in by_id["1.7.1"].method and by_id["1.7.1"].leaf.reference

    assessment.save_draft(engine, unit, rid, {"van_ban_ky_so": "0", "td_ke_hoach_cchc": "3"},
                          {"1.7.1": "Sổ văn bản đi"})
    after = {r.leaf.id: r for r in assessment.form(engine, unit, rid).rows}
    assert after["1.7.1"].points == 0 and after["1.1.2"].points == 3  # live points from the engine
    assessment.upload(engine, unit, rid, "1.7.1", "so van ban.pdf", PDF, root=tmp_path)
    batch = assessment.submit(engine, unit, rid)
    with Session(engine) as s:
        b = s.get(models.IngestBatch, batch)
        assert b.kind == "so_lieu" and b.created_by == "donvi.skhcn"
        value = s.scalar(select(models.Fact.value).where(models.Fact.batch_id == batch,
                                                         models.Fact.indicator_code == "van_ban_ky_so"))
        assert value == 0
        ref = s.scalar(select(models.Evidence.reference).where(models.Evidence.batch_id == batch,
                                                               models.Evidence.indicator_code == "van_ban_ky_so"))
        assert "so van ban.pdf" in ref
    # locked for the unit once submitted; withdraw, then submit again
    refused(engine, assessment.save_draft, unit, rid, {"van_ban_ky_so": "1"}, field="state")
    assessment.withdraw(engine, unit, rid)
    assessment.submit(engine, unit, rid)

    assert [u["code"] for u in appraisal.submitted(engine, judge, rid)] == ["SKHCN"]
    appraisal.appraise(engine, judge, rid, "SKHCN", "1.1.2", "1,5", "Kế hoạch ban hành muộn")
    ask = appraisal.request_feedback(engine, judge, rid, "SKHCN", "1.7.1", "Bổ sung sổ văn bản đi",
                                     (datetime.now() + timedelta(days=5)).strftime("%d/%m/%Y"))
    frame = dashboard.status(engine, office, rid)
    assert frame.set_index("code").loc["SKHCN", "state"] == "can_bo_sung"
    assert frame.set_index("code").loc["SKHCN", "feedback"]
    appraisal.answer_feedback(engine, unit, ask, "Đã tải sổ văn bản đi")
    appraisal.finalise(engine, judge, rid, "SKHCN")
    assert dashboard.progress(dashboard.status(engine, office, rid)).loc["Sở, ban, ngành", "submitted"] == 1
    assert dashboard.export_xlsx(engine, office, rid)[:2] == b"PK"

    run_id = rounds.publish(engine, office, rid)
    board = public.ranking(engine, run_id)
    assert any(r[1] == "SKHCN" for r in board.rows)
    card = public.scorecard(engine, run_id, "SKHCN")
    leaf = next(l for l in card.leaves if l[0] == "1.1.2")
    assert leaf[2] == 1.5 and leaf[4] and leaf[6] == "Kế hoạch ban hành muộn"
    actions = set(audit.entries(engine, office)["action"])
    assert {"luu_nhap", "tai_len", "nop", "rut", "tham_dinh", "yeu_cau_bo_sung", "tra_loi_bo_sung",
            "hoan_tat_tham_dinh", "cong_bo_dot"} <= actions


@pytest.mark.parametrize("figures, field, words", [
    ({"van_ban_ky_so": "mười"}, "van_ban_ky_so", "không phải là số"),
    ({"van_ban_di": "-3"}, "van_ban_di", "giá trị âm"),
    ({"van_ban_di": "2,5"}, "van_ban_di", "số nguyên"),
    ({"van_ban_di": "10", "van_ban_ky_so": "11"}, "van_ban_ky_so", "lớn hơn"),
    ({"sipas": "101"}, "sipas", "vượt quá 100"),
    ({"sipas": "101%"}, "sipas", "vượt quá 100"),
    ({"van_ban_di": "12%"}, "van_ban_di", "không tính bằng phần trăm"),
    ({"td_ke_hoach_cchc": "4"}, "td_ke_hoach_cchc", "điểm tối đa"),
    ({"hs_truc_tuyen": "5"}, "hs_truc_tuyen", "không nhập tay"),
    ({"khong_co": "5"}, "khong_co", "không thuộc bộ tiêu chí"),
])
def test_bad_figures_are_refused_naming_the_field(portal, figures, field, words):
    engine, rid = portal
    message = refused(engine, assessment.save_draft, who(engine, "donvi.skhcn"), rid, figures, field=field)
    assert words in message


def test_a_percentage_may_be_typed_with_its_sign():
    """As a workbook's figures are read (store.ingest.columns.Number): «85,5%» of a percentage is 85.5."""
    from store import indicators

    sipas = indicators.registry()["sipas"]
    assert assessment.check_figure(sipas, " 85,5 % ", "sipas") == 85.5
    assert assessment.check_figure(sipas, "85,5", "sipas") == 85.5
    ddci = indicators.registry()["ddci_diem"]  # «65.234»: 65 234, or 65.234 as English writes it
    with pytest.raises(Refused, match="nếu là số thập phân, ghi với dấu phẩy"):
        assessment.check_figure(ddci, "65.234", "ddci_diem")
    assert assessment.check_figure(indicators.registry()["van_ban_di"], "1.234", "van_ban_di") == 1234


def test_unknown_criterion_and_past_deadline_are_refused(portal):
    engine, rid = portal
    unit = who(engine, "donvi.skhcn")
    refused(engine, assessment.save_draft, unit, rid, {}, {"9.9": "?"}, field="giai_trinh_9.9")
    late = datetime.now() + timedelta(days=400)
    assert "quá hạn" in refused(engine, assessment.save_draft, unit, rid, {"van_ban_di": "5000"}, when=late)
    assert "quá hạn" in refused(engine, assessment.submit, unit, rid, when=late)
    rounds.extend(engine, accounts.SYSTEM, rid, "SKHCN", (late + timedelta(days=1)).date())
    assessment.save_draft(engine, unit, rid, {"van_ban_di": "5000"}, when=late)  # extended for this unit only
    assert "quá hạn" in refused(engine, assessment.save_draft, who(engine, "donvi.stp"), rid, {}, when=late)


def test_roles_and_units_are_checked_by_the_use_cases(portal):
    engine, rid = portal
    unit, other, judge = who(engine, "donvi.skhcn"), who(engine, "donvi.stp"), who(engine, "thamdinh.stp")
    with pytest.raises(Forbidden):
        assessment.form(engine, unit, rid, "STP")  # another unit's form
    with pytest.raises(Forbidden):
        appraisal.appraise(engine, unit, rid, "SKHCN", "1.1.2", "1", "tự chấm")  # an officer cannot appraise
    with pytest.raises(Forbidden):
        rounds.lock(engine, unit, rid)
    with pytest.raises(Forbidden):
        assessment.form(engine, judge, rid, "SKHCN")  # outside the appraiser's assignment
    with pytest.raises(Forbidden):
        accounts.create_account(engine, judge, "x.y", "X", "quan_tri")
    refused(engine, appraisal.appraise, who(engine, "thamdinh"), rid, "STP", "1.1.2", "1", "x", field="unit")
    with pytest.raises(Forbidden):
        assessment.save_draft(engine, judge, rid, {"van_ban_di": "5000"})
    del other


def test_appraisal_refusals(portal):
    engine, rid = portal
    unit, judge = who(engine, "donvi.skhcn"), who(engine, "thamdinh")
    assessment.submit(engine, unit, rid)
    refused(engine, appraisal.appraise, judge, rid, "SKHCN", "1.1.2", "9", "quá", field="points")
    refused(engine, appraisal.appraise, judge, rid, "SKHCN", "1.1.2", "1", " ", field="reason")
    refused(engine, appraisal.appraise, judge, rid, "SKHCN", "9.9", "1", "x", field="criterion")
    refused(engine, appraisal.request_feedback, judge, rid, "SKHCN", "1.7.1", "x", "01/01/2000", field="deadline")
    refused(engine, appraisal.request_feedback, judge, rid, "SKHCN", "1.7.1", "x", "31/02/2099", field="deadline")


def test_accounts_passwords_and_throttling(portal):
    engine, _ = portal
    admin = accounts.SYSTEM
    initial = accounts.create_account(engine, admin, "canbo.moi", "Cán bộ mới", "don_vi", "SKHCN")
    signed = accounts.login(engine, "canbo.moi", initial, "10.0.0.2")
    assert signed.actor.must_change_password
    refused(engine, accounts.change_password, signed.actor, initial, "ngan1", "ngan1", field="password")
    refused(engine, accounts.change_password, signed.actor, "sai", "mat-khau-dai-9", "mat-khau-dai-9",
            field="old_password")
    accounts.change_password(engine, signed.actor, initial, "mat-khau-dai-9", "mat-khau-dai-9")
    assert not accounts.login(engine, "canbo.moi", "mat-khau-dai-9").actor.must_change_password
    refused(engine, accounts.create_account, admin, "canbo.moi", "Trùng", "don_vi", "SKHCN", field="username")
    refused(engine, accounts.create_account, admin, "x.z", "X", "don_vi", "KHONGCO", field="unit")
    refused(engine, accounts.create_account, admin, "x.z", "X", "vua", field="role")
    for _ in range(accounts.ACCOUNT_FAILURES):
        with pytest.raises(Refused):
            accounts.login(engine, "canbo.moi", "sai-mat-khau", "10.0.0.3")
    with pytest.raises(Refused, match="tạm khóa"):
        accounts.login(engine, "canbo.moi", "mat-khau-dai-9", "10.0.0.3")  # even the right password waits
    accounts.set_disabled(engine, admin, "canbo.moi")
    log = audit.entries(engine, admin)
    text = " ".join(log["before"].tolist() + log["after"].tolist() + log["object"].tolist())
    assert initial not in text and "mat-khau-dai-9" not in text and "argon2" not in text


def test_session_expires_on_the_server(portal):
    engine, _ = portal
    signed = accounts.login(engine, "donvi.skhcn", PASSWORD, hours=1)
    assert accounts.session_actor(engine, signed.session_id).username == "donvi.skhcn"
    assert accounts.session_actor(engine, signed.session_id, now=datetime.now() + timedelta(hours=2)) is None
    accounts.logout(engine, signed.session_id)
    assert accounts.session_actor(engine, signed.session_id) is None


def test_demo_accounts_and_import(portal):
    engine, _ = portal
    made = accounts.demo_accounts(engine)
    roles = {r for _, r, _, _ in made}
    assert roles == {"quan_tri", "don_vi", "tham_dinh", "hoi_dong"}
    assert all(len(p) >= 10 for *_, p in made)
    assert accounts.demo_accounts(engine) == []  # already there: nothing new
    import pandas as pd
    frame = pd.DataFrame(accounts.IMPORT_EXAMPLE, columns=accounts.IMPORT_HEADERS)
    frame["Tên đăng nhập"] = ["canbo.nhap", "thamdinh.nhap"]
    before = snapshot(engine)
    bad = frame.assign(**{"Vai trò": ["don_vi", "vua"]})
    with pytest.raises(Refused, match="dòng 3"):
        accounts.import_accounts(engine, accounts.SYSTEM, bad)
    assert snapshot(engine) == before
    assert [m[0] for m in accounts.import_accounts(engine, accounts.SYSTEM, frame)] == ["canbo.nhap", "thamdinh.nhap"]


def test_a_list_with_a_row_refused_when_written_writes_no_account(portal):
    """The first row is good; the second has a name too long, then an appraiser's unit that does not exist, found
    only as its account is made: neither account is written (the first one's password was never shown)."""
    import pandas as pd

    engine, _ = portal
    frame = pd.DataFrame([["canbo.mot", "Nguyễn Văn An", "don_vi", "SKHCN", "", ""],
                          ["thamdinh.hai", "B" * 250, "tham_dinh", "", "SKHCN, KHONGCO", ""]],
                         columns=accounts.IMPORT_HEADERS)
    before = snapshot(engine)
    with pytest.raises(Refused) as caught:
        accounts.import_accounts(engine, accounts.SYSTEM, frame)
    assert caught.value.message == "dòng 3: họ và tên quá dài (tối đa 200 ký tự)"
    assert snapshot(engine) == before
    frame.loc[1, "Họ và tên"] = "Trần Thị Bình"
    with pytest.raises(Refused, match="dòng 3: đơn vị phân công không có: KHONGCO"):
        accounts.import_accounts(engine, accounts.SYSTEM, frame)
    assert snapshot(engine) == before


def test_an_evidence_name_with_dots_inside_is_a_name_not_a_path():
    """«Báo cáo quý I...pdf» holds no separator: it is kept as typed, while a name with a path or of dots alone
    stays refused."""
    from office.evidence import BadFile, clean_name

    assert clean_name("Báo cáo quý I...pdf", "pdf") == "Báo cáo quý I...pdf"
    assert clean_name('Tờ trình "CCHC" số 12..pdf', "pdf") == 'Tờ trình "CCHC" số 12..pdf'
    for name in ("../../x.pdf", "..\\x.pdf", "..", "...pdf"):
        with pytest.raises(BadFile):
            clean_name(name, "pdf")


def test_a_finalised_form_is_not_submitted_again_by_a_submission_read_before(portal, monkeypatch):
    """Guard: office.assessment.submit takes the form and reads it again inside its batch's transaction. It read
    the form, checked the figures, then wrote «đã nộp» over whatever the form had become: «Nộp» sent twice (a
    double click, two tabs, two workers), the first landing and finalised by the appraiser while the second's
    figures were checked, put the finalised form back to «đã nộp» with a second entry and notice."""
    engine, rid = portal
    unit, judge = who(engine, "donvi.skhcn"), who(engine, "thamdinh")
    table = assessment._submission_table

    def meanwhile(form_):  # between the second «Nộp»'s reading and its writing: the first lands, is finalised
        monkeypatch.setattr(assessment, "_submission_table", table)
        assessment.submit(engine, unit, rid)
        appraisal.finalise(engine, judge, rid, "SKHCN")
        return table(form_)

    monkeypatch.setattr(assessment, "_submission_table", meanwhile)
    audited = _audit_count(engine)
    assessment.submit(engine, unit, rid)
    with Session(engine) as s:
        sa = s.scalar(select(models.SelfAssessment).join(models.Unit, models.Unit.id == models.SelfAssessment.unit_id)
                      .where(models.SelfAssessment.round_id == rid, models.Unit.code == "SKHCN"))
        assert (sa.state, sa.submissions) == ("da_tham_dinh", 1)
        assert s.scalar(select(func.count()).select_from(models.AuditEntry)
                        .where(models.AuditEntry.action == "nop")) == 1
    assert _audit_count(engine) == audited + 2  # the one submission, the one finalisation
