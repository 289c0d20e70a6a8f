"""Periodic reports filled in the portal, at the office level on the demo province: what the form shows (figures
already stored read-only, this period's text, else the last report's marked as a starting point), the draft,
one submission landing as one ingestion batch, withdrawing before the office consolidates, the refusals (each
naming its field, nothing written), the register of reports received (on time, late by N days, not sent) and
the consolidated report quoting what a unit submitted."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import FACT_HEADERS, read_docx_text, snapshot, write_csv
from office import accounts, periodic_online as po
from office.errors import Forbidden, NotFound, Refused
from office.periodic import periodic
from portal_fixtures import PASSWORD, _create
from store import models
from store.ingest import ingest_file
from store.ingest.narratives import MAX_TEXT, SECTIONS

PERIOD = "2025-Q1"  # due 20/03/2025; the demo province has nothing for it yet
DUE = date(2025, 3, 20)
ON_THE_DAY = datetime(2025, 3, 18, 9, 30)


@pytest.fixture
def office(province):
    """The demo province with officers of two departments, a commune and a department's division."""
    from store.db import upgrade

    upgrade(province)
    for name, unit in (("donvi.skhcn", "SKHCN"), ("donvi.stp", "STP"), ("donvi.xa0001", "XA0001"),
                       ("donvi.vp", "SKHCN-VP")):
        _create(province, name, "don_vi", unit)
    _create(province, "thamdinh", "tham_dinh")
    return province


def who(engine, name):
    return accounts.login(engine, name, PASSWORD, "10.0.0.9").actor


def _audit_count(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(models.AuditEntry))


def refused(engine, call, *args, field=None, error=Refused, **kwargs) -> str:
    """A use case that must refuse: nothing written (not even an audit entry), the field named; its message."""
    before, audited = snapshot(engine), _audit_count(engine)
    with pytest.raises(error) as err:
        call(engine, *args, **kwargs)
    assert snapshot(engine) == before and _audit_count(engine) == audited
    if field is not None:
        assert err.value.field == field, err.value.message
    return err.value.message


def test_the_form_shows_stored_figures_read_only_and_prefills_the_sections(office, tmp_path):
    unit = who(office, "donvi.skhcn")
    # a period the demo holds: the figures ingested from its files are there, read-only with their source
    q3 = po.report(office, unit, "Quý III/2024", when=datetime(2024, 9, 10))
    figures = {f.code: f for f in q3.figures}
    assert not figures["van_ban_di"].editable and "so_lieu_2024" in figures["van_ban_di"].source
    assert not figures["hs_tiep_nhan"].editable and "hồ sơ TTHC" in figures["hs_tiep_nhan"].source
    assert set(po.FIGURES) == set(figures)
    # this period's words already in the store (the demo's narratives file) fill the sections
    said = [s for s in q3.sections if s.origin == "ky_nay"]
    assert said and all(s.text and "noi_dung_bao_cao_2024" in s.note for s in said)

    # a new period: nothing stored, so the declared figures are the unit's to enter, the dossier ones are not
    q1 = po.report(office, unit, PERIOD, when=ON_THE_DAY)
    assert q1.state == "chua_lap" and q1.editable and not q1.late_if_now
    figures = {f.code: f for f in q1.figures}
    assert figures["van_ban_di"].editable and figures["van_ban_di"].value is None
    assert not figures["hs_tiep_nhan"].editable and "chưa có số liệu" in figures["hs_tiep_nhan"].source
    # the sections start from the last report's text (năm 2024), marked as a starting point to update
    with Session(office) as s:
        last = dict(s.execute(select(models.ReportNarrative.section, models.ReportNarrative.text)
                              .join(models.Unit, models.Unit.id == models.ReportNarrative.unit_id)
                              .where(models.Unit.code == "SKHCN", models.ReportNarrative.period_code == "2024-NAM")
                              ).all())
    assert last
    for section in q1.sections:
        if section.code in last:
            assert (section.origin, section.text) == ("ky_truoc", last[section.code])
            assert "báo cáo năm 2024" in section.note and "cập nhật" in section.note
        else:
            assert (section.origin, section.text) == ("", "")

    # a figure filed by the office for the period becomes read-only, with its file
    ingest_file(office, write_csv(tmp_path / "van_ban.csv", FACT_HEADERS, [["SKHCN", "Quý I/2025", "van_ban_di", 300, ""]]))
    figures = {f.code: f for f in po.report(office, unit, PERIOD, when=ON_THE_DAY).figures}
    assert not figures["van_ban_di"].editable and figures["van_ban_di"].value == 300
    assert "van_ban.csv" in figures["van_ban_di"].source
    # the office reads the same report, but never edits it
    seen = po.report(office, accounts.SYSTEM, PERIOD, "SKHCN", when=ON_THE_DAY)
    assert not seen.editable and not seen.can_withdraw
    # the suggestions are for the form being filled: the office does not read last year's words as this period's
    assert not any(s.origin == "ky_truoc" for s in seen.sections)


def test_a_draft_then_one_submission_lands_as_one_batch(office):
    unit = who(office, "donvi.skhcn")
    po.save_draft(office, unit, PERIOD, {"van_ban_di": "1.234", "van_ban_ky_so": "1.200", "tthc_tong": "53"},
                  {"iso": "Duy trì ISO 9001:2015 tại 5 phòng.", "de_xuat": "Đề nghị tập huấn\nkiểm soát TTHC."},
                  "12/BC-SKHCN", when=ON_THE_DAY)
    draft = po.report(office, unit, PERIOD, when=ON_THE_DAY)
    assert draft.state == "nhap" and draft.document_no == "12/BC-SKHCN"
    assert {f.code: f.value for f in draft.figures if f.editable}["van_ban_di"] == 1234
    assert {s.code: s.text for s in draft.sections}["de_xuat"] == "Đề nghị tập huấn\nkiểm soát TTHC."
    with Session(office) as s:  # a draft is not a fact yet
        assert not s.scalar(select(func.count()).select_from(models.Submission).where(
            models.Submission.period_code == PERIOD))

    batch = po.submit(office, unit, PERIOD, when=ON_THE_DAY)
    with Session(office) as s:
        landed = s.get(models.IngestBatch, batch)
        assert landed.kind == po.BATCH_KIND and landed.created_by == "donvi.skhcn"
        facts = dict(s.execute(select(models.Fact.indicator_code, models.Fact.value)
                               .where(models.Fact.batch_id == batch)).all())
        said = dict(s.execute(select(models.ReportNarrative.section, models.ReportNarrative.text)
                              .where(models.ReportNarrative.batch_id == batch)).all())
        sent = s.execute(select(models.Submission.submitted_on, models.Submission.document_no, models.Submission.period_code)
                         .where(models.Submission.batch_id == batch)).all()
        actions = list(s.scalars(select(models.AuditEntry.action).order_by(models.AuditEntry.id)))
    assert facts == {"van_ban_di": 1234, "van_ban_ky_so": 1200, "tthc_tong": 53}
    assert said == {"iso": "Duy trì ISO 9001:2015 tại 5 phòng.", "de_xuat": "Đề nghị tập huấn\nkiểm soát TTHC."}
    assert sent == [(date(2025, 3, 18), "12/BC-SKHCN", PERIOD)]
    assert actions[-2:] == ["luu_nhap_bao_cao", "nop_bao_cao"]

    done = po.report(office, unit, PERIOD, when=ON_THE_DAY)
    assert done.state == "da_nop" and not done.editable and done.can_withdraw
    assert done.received == {"submitted_on": date(2025, 3, 18), "document_no": "12/BC-SKHCN", "state": "đúng hạn",
                             "days_late": 0, "via": po.VIA_PORTAL}
    # its own figures are not «already in the store»: withdrawn, they are the unit's to correct again
    refused(office, po.save_draft, unit, PERIOD, {"van_ban_di": "1.300"}, when=ON_THE_DAY, field="state")
    refused(office, po.submit, unit, PERIOD, when=ON_THE_DAY, field="state")
    po.withdraw(office, unit, PERIOD, when=datetime(2025, 3, 19, 8))
    again = po.report(office, unit, PERIOD, when=datetime(2025, 3, 19, 8))
    assert again.state == "da_rut" and again.editable
    assert {f.code: f.editable for f in again.figures}["van_ban_di"]
    po.save_draft(office, unit, PERIOD, {"van_ban_di": "1.300"}, when=datetime(2025, 3, 19, 9))
    second = po.submit(office, unit, PERIOD, when=datetime(2025, 3, 19, 9))
    assert second != batch
    with Session(office) as s:
        assert s.scalar(select(models.Fact.value).where(models.Fact.batch_id == second,
                                                         models.Fact.indicator_code == "van_ban_di")) == 1300
        assert [w.withdrawn_at is not None for w in s.scalars(select(models.PeriodicReportSending)
                                                              .order_by(models.PeriodicReportSending.id))] == [True, False]


def test_a_submission_without_anything_in_it_is_refused(office):
    unit = who(office, "donvi.stp")
    refused(office, po.submit, unit, PERIOD, when=ON_THE_DAY, field="state")
    po.save_draft(office, unit, PERIOD, {}, {"iso": "   "}, when=ON_THE_DAY)
    refused(office, po.submit, unit, PERIOD, when=ON_THE_DAY, field="state")


@pytest.mark.parametrize("figures, texts, field, words", [
    ({"van_ban_di": "-3"}, {}, "van_ban_di", "giá trị âm"),
    ({"van_ban_di": "12,5"}, {}, "van_ban_di", "số nguyên"),
    ({"van_ban_di": "1e3"}, {}, "van_ban_di", "không phải là số"),
    ({"van_ban_di": "120", "van_ban_ky_so": "121"}, {}, "van_ban_ky_so", "lớn hơn Tổng số văn bản đi (120)"),
    ({"tthc_tong": "10", "tthc_dvctt": "11"}, {}, "tthc_dvctt", "lớn hơn Tổng số TTHC"),
    ({"hs_tiep_nhan": "10"}, {}, "hs_tiep_nhan", "không nhập tay"),
    ({"so_ccvc": "10"}, {}, "so_ccvc", "không thuộc báo cáo định kỳ"),
    ({}, {"iso": "x" * (MAX_TEXT + 1)}, "iso", "quá dài"),
    ({}, {"iso": "Duy trì\u202eISO"}, "iso", "ký tự điều khiển"),
    ({}, {"muc_la": "x"}, "muc_la", "không có trong mẫu báo cáo"),
])
def test_wrong_values_are_refused_naming_the_field_and_nothing_is_written(office, figures, texts, field, words):
    message = refused(office, po.save_draft, who(office, "donvi.skhcn"), PERIOD, figures, texts, when=ON_THE_DAY,
                      field=field)
    assert words in message
    if field in SECTIONS:
        assert SECTIONS[field] in message  # the section said by its title


def test_a_part_above_a_whole_already_stored_and_odd_document_numbers_are_refused(office, tmp_path):
    unit = who(office, "donvi.skhcn")
    ingest_file(office, write_csv(tmp_path / "di.csv", FACT_HEADERS, [["SKHCN", "Quý I/2025", "van_ban_di", 100, ""]]))
    message = refused(office, po.save_draft, unit, PERIOD, {"van_ban_ky_so": "101"}, when=ON_THE_DAY,
                      field="van_ban_ky_so")
    assert "lớn hơn Tổng số văn bản đi (100 (giá trị đang có trong hệ thống))" in message
    message = refused(office, po.save_draft, unit, PERIOD, {"van_ban_di": "90"}, when=ON_THE_DAY, field="van_ban_di")
    assert "hệ thống đã có" in message and "di.csv" in message  # a stored figure is not typed again
    for typed in ("=HYPERLINK(\"http://x\")", "+1", "@x", "12/BC\u200b-SKHCN\u202e", "x" * 101):
        refused(office, po.save_draft, unit, PERIOD, {}, {}, typed, when=ON_THE_DAY, field="so_hieu")


def test_another_units_report_other_roles_and_other_periods_are_refused(office):
    skhcn = who(office, "donvi.skhcn")
    po.save_draft(office, who(office, "donvi.stp"), PERIOD, {"van_ban_di": "10"}, {"iso": "Của Sở Tư pháp"},
                  when=ON_THE_DAY)
    for call, args in ((po.report, ()), (po.save_draft, ({"van_ban_di": "1"},)), (po.submit, ()),
                       (po.withdraw, ())):
        refused(office, call, skhcn, PERIOD, *args, unit="STP", when=ON_THE_DAY, error=Forbidden)
    judge = who(office, "thamdinh")
    refused(office, po.report, judge, PERIOD, "STP", when=ON_THE_DAY, error=Forbidden)
    refused(office, po.save_draft, judge, PERIOD, {"van_ban_di": "1"}, unit="STP", when=ON_THE_DAY, error=Forbidden)
    refused(office, po.save_draft, accounts.SYSTEM, PERIOD, {"van_ban_di": "1"}, unit="STP", when=ON_THE_DAY,
            error=Forbidden)  # the office reads the units' reports, it does not write them
    refused(office, po.register, skhcn, PERIOD, today=DUE, error=Forbidden)
    refused(office, po.register_xlsx, skhcn, PERIOD, today=DUE, error=Forbidden)
    refused(office, po.overview, judge, today=DUE, error=Forbidden)
    refused(office, po.my_periods, accounts.SYSTEM, today=DUE, error=Forbidden)
    # a division does not report to the province; periods not reported online are not found
    refused(office, po.save_draft, who(office, "donvi.vp"), PERIOD, {"van_ban_di": "1"}, when=ON_THE_DAY,
            field="unit")
    for odd in ("2025-Q2", "9 tháng 2024", "2025-Q3", "Quý V/2025", "²", "", "0000-Q1"):
        refused(office, po.save_draft, skhcn, odd, {"van_ban_di": "1"}, when=ON_THE_DAY, error=NotFound)
    # what STP saved is untouched
    assert {s.code: s.text for s in po.report(office, who(office, "donvi.stp"), PERIOD, when=ON_THE_DAY)
            .sections}["iso"] == "Của Sở Tư pháp"


def _submit(engine, name, text, when):
    officer = who(engine, name)
    po.save_draft(engine, officer, PERIOD, {"van_ban_di": "10"}, {"iso": text}, when=when)
    return po.submit(engine, officer, PERIOD, when=when)


def test_the_register_says_on_time_late_by_n_days_and_not_sent(office):
    before_due = po.register(office, accounts.SYSTEM, PERIOD, today=date(2025, 3, 10)).lines.set_index("unit")
    assert set(before_due["state"]) == {"chưa đến hạn"}
    _submit(office, "donvi.skhcn", "Đúng hạn.", ON_THE_DAY)
    _submit(office, "donvi.xa0001", "Xã nộp muộn.", datetime(2025, 3, 27, 16))  # a commune, a week late
    found = po.register(office, accounts.SYSTEM, PERIOD, today=date(2025, 4, 1))
    lines = found.lines.set_index("unit")
    assert (lines.loc["SKHCN", "state"], lines.loc["SKHCN", "days_late"], lines.loc["SKHCN", "via"]) == \
        ("đúng hạn", 0, po.VIA_PORTAL)
    assert (lines.loc["XA0001", "state"], lines.loc["XA0001", "days_late"]) == ("trễ hạn", 7)
    assert lines.loc["XA0001", "submitted_on"] == date(2025, 3, 27) and lines.loc["XA0001", "kind"] == "UBND xã, phường"
    assert (lines.loc["STP", "state"], lines.loc["STP", "submitted_on"]) == ("chưa gửi", None)
    assert lines.loc["SKHCN", "has_report"] and not lines.loc["STP", "has_report"]
    assert found.counts == {"đúng hạn": 1, "trễ hạn": 1, "chưa gửi": len(lines) - 2}
    count = next(c for c in po.overview(office, accounts.SYSTEM, today=date(2025, 4, 1)) if c.period.code == PERIOD)
    assert (count.on_time, count.late, count.via_portal) == (1, 1, 2)

    name, data = po.register_xlsx(office, accounts.SYSTEM, PERIOD, today=date(2025, 4, 1))
    assert name == "so-theo-doi-bao-cao-2025-Q1.xlsx"
    rows = [[c for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[0] == "Mã đơn vị")
    by_unit = {row[0]: dict(zip(rows[header], row)) for row in rows[header + 1:] if row[0]}
    assert by_unit["XA0001"]["Tình trạng"] == "trễ hạn" and by_unit["XA0001"]["Số ngày trễ"] == 7
    assert by_unit["SKHCN"]["Nguồn"] == po.VIA_PORTAL and by_unit["STP"]["Tình trạng"] == "chưa gửi"


def test_a_withdrawn_report_is_not_received_and_cannot_be_withdrawn_after_the_office_consolidates(office):
    _submit(office, "donvi.skhcn", "Lần một.", ON_THE_DAY)
    unit = who(office, "donvi.skhcn")
    po.withdraw(office, unit, PERIOD, when=datetime(2025, 3, 20, 16, 59))
    lines = po.register(office, accounts.SYSTEM, PERIOD, today=date(2025, 3, 21)).lines.set_index("unit")
    assert lines.loc["SKHCN", "state"] == "chưa gửi"  # taken back: no report received
    # corrected and sent again after the due date: late, counted from the day it came back
    po.save_draft(office, unit, PERIOD, {}, {"iso": "Lần hai."}, when=datetime(2025, 3, 24, 10))
    po.submit(office, unit, PERIOD, when=datetime(2025, 3, 24, 10))
    lines = po.register(office, accounts.SYSTEM, PERIOD, today=date(2025, 4, 1)).lines.set_index("unit")
    assert (lines.loc["SKHCN", "state"], lines.loc["SKHCN", "days_late"]) == ("trễ hạn", 4)
    # a report submitted late is final: the office has consolidated (17:00 of the due day) before it came
    message = refused(office, po.withdraw, unit, PERIOD, when=datetime(2025, 3, 24, 11), field="deadline")
    assert "17:00 ngày 20/03/2025" in message
    late = po.report(office, unit, PERIOD, when=datetime(2025, 3, 24, 11))
    assert not late.can_withdraw and late.received["days_late"] == 4


def test_the_consolidated_report_quotes_what_units_submitted_in_the_portal(office, tmp_path):
    _submit(office, "donvi.skhcn", "Duy trì ISO 9001:2015 tại 5 phòng chuyên môn.", ON_THE_DAY)
    _submit(office, "donvi.xa0001", "Xã áp dụng ISO cho 12 TTHC.", datetime(2025, 3, 27, 16))
    text = read_docx_text(periodic(office, PERIOD, None, date(2025, 4, 1)), tmp_path / "tong-hop.docx")
    iso = text[text.index(SECTIONS["iso"]):text.index(SECTIONS["kiem_tra"])]
    assert "- Sở Khoa học và Công nghệ: Duy trì ISO 9001:2015 tại 5 phòng chuyên môn." in iso
    with Session(office) as s:
        commune = s.scalar(select(models.Unit.name).where(models.Unit.code == "XA0001"))
    assert f"- {commune}: Xã áp dụng ISO cho 12 TTHC." in iso
    assert f"{commune} (7 ngày)" in text  # the register part names who was late, and by how much
    # a unit's own report quotes its words too, and the office's download is the same document
    own = read_docx_text(periodic(office, PERIOD, "SKHCN", date(2025, 4, 1)), tmp_path / "skhcn.docx")
    assert "Duy trì ISO 9001:2015 tại 5 phòng chuyên môn." in own
    name, data = po.consolidated(office, accounts.SYSTEM, PERIOD, today=date(2025, 4, 1))
    assert name == "bao-cao-2025-Q1.docx" and data[:2] == b"PK"
    refused(office, po.consolidated, who(office, "donvi.skhcn"), PERIOD, today=date(2025, 4, 1), error=Forbidden)


def test_a_withdrawn_reports_words_leave_the_consolidated_report(office, tmp_path):
    _submit(office, "donvi.skhcn", "Văn bản sẽ được sửa.", ON_THE_DAY)
    po.withdraw(office, who(office, "donvi.skhcn"), PERIOD, when=datetime(2025, 3, 19))
    text = read_docx_text(periodic(office, PERIOD, None, date(2025, 3, 19)), tmp_path / "rut.docx")
    assert "Văn bản sẽ được sửa." not in text


def test_a_text_kept_word_for_word_from_the_last_report_stays_marked(office):
    unit = who(office, "donvi.skhcn")
    form = po.report(office, unit, PERIOD, when=ON_THE_DAY)
    kept = next(s for s in form.sections if s.origin == "ky_truoc")
    po.save_draft(office, unit, PERIOD, {}, {kept.code: kept.text, "iso": "Mới trong kỳ."}, when=ON_THE_DAY)
    po.submit(office, unit, PERIOD, when=ON_THE_DAY)
    seen = {s.code: s for s in po.report(office, accounts.SYSTEM, PERIOD, "SKHCN", when=ON_THE_DAY).sections}
    assert seen[kept.code].origin == "giong_ky_truoc" and "năm 2024" in seen[kept.code].note
    assert seen["iso"].origin == "nhap"


def test_the_units_periods_list_its_reports_and_the_register(office):
    unit, lines = po.my_periods(office, who(office, "donvi.skhcn"), today=date(2025, 4, 1))
    assert unit.code == "SKHCN"
    codes = [l.period.code for l in lines]
    assert codes[:3] == ["2025-6T", "2025-Q1", "2024-NAM"] and "2025-Q3" not in codes  # the next one due, newest first
    by_code = {l.period.code: l for l in lines}
    assert (by_code["2025-Q1"].state, by_code["2025-Q1"].received["state"]) == ("chua_lap", "chưa gửi")
    # the spreadsheet register of 2024 (the demo's) is shown as received, not through the portal
    q1 = by_code["2024-Q1"].received
    assert q1["submitted_on"] is not None and q1["via"] == po.VIA_REGISTER


def test_a_draft_saved_after_the_submission_read_it_stops_the_submission(office, monkeypatch):
    """Guard: periodic_online.submit compares, with the report taken, the draft with the one its figures were read
    from. A draft saved between the two stayed the report's draft while the submission landed the figures read
    before it: a report submitted with figures other than the ones it shows."""
    from office.errors import Conflict

    unit = who(office, "donvi.skhcn")
    po.save_draft(office, unit, PERIOD, {"van_ban_di": "1.234"}, when=ON_THE_DAY)
    land = po.ingest_tables

    def saved_meanwhile(*args, **kwargs):
        po.save_draft(office, unit, PERIOD, {"van_ban_di": "1.300"}, when=ON_THE_DAY)
        return land(*args, **kwargs)

    monkeypatch.setattr(po, "ingest_tables", saved_meanwhile)
    with pytest.raises(Conflict) as err:
        po.submit(office, unit, PERIOD, when=ON_THE_DAY)
    assert "vừa được lưu lại" in err.value.message and err.value.field == "state"
    now = po.report(office, unit, PERIOD, when=ON_THE_DAY)
    assert now.state == "nhap" and {f.code: f.value for f in now.figures if f.editable}["van_ban_di"] == 1300
    monkeypatch.setattr(po, "ingest_tables", land)
    batch = po.submit(office, unit, PERIOD, when=ON_THE_DAY)
    with Session(office) as s:
        assert s.scalar(select(models.Fact.value).where(models.Fact.batch_id == batch,
                                                         models.Fact.indicator_code == "van_ban_di")) == 1300


class _Outcomes(list):
    """What a step sent while a submission was being written came to (its word, or its refusal)."""

    def __init__(self):
        super().__init__()
        self.threads = []

    def finished(self) -> None:
        self.threads[0].join(30)


def _during_submission(monkeypatch, step, word: str) -> _Outcomes:
    """``step`` sent from another thread inside the next submission's transaction, the report taken (when it
    notifies the office): the submission goes on after waiting up to 1,5 s for it."""
    import threading

    from office import notifications

    outcomes, told = _Outcomes(), notifications.notify_role

    def run():
        try:
            step()
            outcomes.append(word)
        except Refused as err:
            outcomes.append(err)

    def telling(*args, **kwargs):
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(1.5)
        outcomes.threads.append(thread)
        return told(*args, **kwargs)

    monkeypatch.setattr(notifications, "notify_role", telling)
    return outcomes


def test_a_draft_saved_while_the_report_is_being_submitted_waits_and_is_refused(office, monkeypatch):
    """Guard: periodic_online.save_draft takes the report's row as the submission does (_report(lock=True)). It
    read the state without it: a draft saved while the submission was being written passed its look at the state
    and changed the figures of a report already submitted."""
    from office.errors import Conflict

    unit = who(office, "donvi.skhcn")
    po.save_draft(office, unit, PERIOD, {"van_ban_di": "1.234"}, when=ON_THE_DAY)
    saved = _during_submission(monkeypatch, lambda: po.save_draft(office, unit, PERIOD, {"van_ban_di": "7"},
                                                                    when=ON_THE_DAY), "saved")
    batch = po.submit(office, unit, PERIOD, when=ON_THE_DAY)
    saved.finished()
    assert len(saved) == 1 and isinstance(saved[0], Conflict), saved
    done = po.report(office, unit, PERIOD, when=ON_THE_DAY)
    assert done.state == "da_nop" and {f.code: f.value for f in done.figures}["van_ban_di"] == 1234
    with Session(office) as s:
        assert s.scalar(select(models.Fact.value).where(models.Fact.batch_id == batch,
                                                         models.Fact.indicator_code == "van_ban_di")) == 1234


def test_a_withdrawal_sent_while_the_report_is_being_submitted_waits_and_withdraws_what_was_submitted(
        office, monkeypatch):
    """Guard: periodic_online.withdraw takes the report's row as the submission does (_report(lock=True)). It read
    the report without it: a withdrawal that had read the earlier submission set the report withdrawn over the one
    landing meanwhile, whose line stayed in the register."""
    unit = who(office, "donvi.skhcn")
    po.save_draft(office, unit, PERIOD, {"van_ban_di": "1.234"}, when=ON_THE_DAY)
    po.submit(office, unit, PERIOD, when=ON_THE_DAY)
    po.withdraw(office, unit, PERIOD, when=ON_THE_DAY)
    done = _during_submission(monkeypatch, lambda: po.withdraw(office, unit, PERIOD, when=ON_THE_DAY), "withdrawn")
    batch = po.submit(office, unit, PERIOD, when=ON_THE_DAY)
    done.finished()
    assert done == ["withdrawn"], done
    with Session(office) as s:
        W = models.PeriodicReportSending
        sending = s.scalar(select(W).where(W.batch_id == batch))
        assert sending.withdrawn_at is not None
        assert s.scalar(select(models.PeriodicReport.state).where(models.PeriodicReport.batch_id == batch)) == "da_rut"
