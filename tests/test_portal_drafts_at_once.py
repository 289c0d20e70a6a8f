"""A unit's draft and its submission arriving at once, on both databases: what is submitted is the draft the
form then holds, and a draft is never changed under a submitted form."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import units_file
from portal_fixtures import serving, signed_in
from office import accounts, assessment, notifications, rounds
from office.errors import Conflict
from portal_fixtures import PASSWORD, _create
from store import models
from store.ingest import ingest_file

FIGURE = "van_ban_ky_so"


def _drafted(engine, folder):
    """A department with an open round and a saved draft: the round, its officer."""
    ingest_file(engine, units_file(folder))
    rid = rounds.open_demo_round(engine)
    _create(engine, "donvi.skhcn", "don_vi", "SKHCN")
    officer = accounts.login(engine, "donvi.skhcn", PASSWORD, "10.0.0.1").actor
    assessment.save_draft(engine, officer, rid, {FIGURE: "0", "td_ke_hoach_cchc": "3"})
    return rid, officer


@pytest.fixture
def drafted(any_engine, tmp_path):
    return any_engine, *_drafted(any_engine, tmp_path)


def _outcome(engine, rid) -> tuple[str, float, float | None]:
    """The form's state, its draft figure, and that figure as the submitted batch holds it (None: not submitted)."""
    with Session(engine) as s:
        sa = s.scalar(select(models.SelfAssessment).where(models.SelfAssessment.round_id == rid))
        draft = s.scalar(select(models.DraftFigure.value).where(models.DraftFigure.assessment_id == sa.id,
                                                                 models.DraftFigure.indicator_code == FIGURE))
        sent = None if sa.batch_id is None else s.scalar(select(models.Fact.value).where(
            models.Fact.batch_id == sa.batch_id, models.Fact.indicator_code == FIGURE))
        return sa.state, draft, sent


def test_a_draft_saved_while_the_form_is_being_submitted_waits_and_is_refused(drafted, monkeypatch):
    """Guard: office.assessment.save_draft takes the form's row (_assessment(lock=True)) as submit does, and
    refuses once the form is submitted. It read the state without it: a draft saved while a submission was being
    written passed its look at the state and changed the figures of a form already submitted."""
    engine, rid, officer = drafted
    saved: list = []

    def save():
        try:
            assessment.save_draft(engine, officer, rid, {FIGURE: "7"})
            saved.append("saved")
        except Conflict as err:
            saved.append(err)

    told = notifications.notify_role

    def telling(*args, **kwargs):  # inside submit's transaction, the form taken: a save arrives meanwhile
        saver = threading.Thread(target=save)
        saver.start()
        saver.join(1.5)  # it waits for the submission (when it takes the form's row)
        saving.append(saver)
        return told(*args, **kwargs)

    saving: list[threading.Thread] = []
    monkeypatch.setattr(notifications, "notify_role", telling)
    assessment.submit(engine, officer, rid)
    saving[0].join(30)
    assert len(saved) == 1 and isinstance(saved[0], Conflict), saved
    assert "Đã nộp" in saved[0].message and saved[0].field == "state"
    assert _outcome(engine, rid) == ("da_nop", 0, 0)


def test_a_draft_saved_after_the_submission_read_it_stops_the_submission(drafted, monkeypatch):
    """Guard: office.assessment.submit compares, with the form taken, the time it was saved with the one the
    figures were read at. A draft saved between the two was kept as the form's draft while the submission landed
    the figures read before it: a form submitted with figures other than the ones it shows."""
    engine, rid, officer = drafted
    table = assessment._submission_table

    def read_then_saved(form_):
        read = table(form_)
        assessment.save_draft(engine, officer, rid, {FIGURE: "7"})
        return read

    monkeypatch.setattr(assessment, "_submission_table", read_then_saved)
    with pytest.raises(Conflict) as err:
        assessment.submit(engine, officer, rid)
    assert "vừa được lưu" in err.value.message
    assert _outcome(engine, rid) == ("nhap", 7, None)
    monkeypatch.setattr(assessment, "_submission_table", table)
    assessment.submit(engine, officer, rid)
    assert _outcome(engine, rid) == ("da_nop", 7, 7)


def test_the_portal_answers_a_draft_of_a_submitted_form_with_a_conflict(engine, tmp_path):
    """Guard: web.routes_unit.save and web.app answer office.errors.Conflict with 409: the draft came too late, the
    page read again shows the submitted form."""
    rid, _ = _drafted(engine, tmp_path)
    with serving(engine, tmp_path / "du-lieu") as base:
        unit, token = signed_in(base, "donvi.skhcn")
        assert unit.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, "hanh_dong": "nop"}).status_code == 303
        late = unit.post(f"/tu-danh-gia/{rid}/luu", data={"csrf": token, f"so_lieu__{FIGURE}": "7"})
        assert late.status_code == 409 and "bản nháp không được lưu" in late.text
    assert _outcome(engine, rid) == ("da_nop", 0, 0)


def test_evidence_checked_while_the_form_was_submitted_is_not_added_to_it(drafted, monkeypatch, tmp_path):
    """Guard: office.assessment.upload looks at the form again with it taken, before the file is stored. It looked
    only before checking the file: a file checked while the form was being submitted was added to the submitted
    form, and its bytes kept."""
    from office import evidence
    from helpers import pdf_file

    engine, rid, officer = drafted
    check = evidence.check

    def checked_then_submitted(*args, **kwargs):
        found = check(*args, **kwargs)
        assessment.submit(engine, officer, rid)
        return found

    monkeypatch.setattr(assessment.files, "check", checked_then_submitted)
    root = tmp_path / "tai-lieu"
    with pytest.raises(Conflict) as err:
        assessment.upload(engine, officer, rid, "1.1.1", "kiem-chung.pdf", pdf_file(), root=root)
    assert err.value.field == "state"
    with Session(engine) as s:
        assert s.scalar(select(models.EvidenceFile.id)) is None
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))
