"""Previewing a rule set on a recorded period: a changed parameter, an added or removed criterion, a changed
scoring method; the store left as it was; a broken file refused with its line; the annex for the proposal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from helpers import read_docx_text
from office.errors import Refused
from office.preview import annex, load_new, preview
from rules.ruleset import SETS, find
from store.db import counts

CURRENT = find("qd766-2022")
PERIOD = "2024-NAM"


def _changed(tmp_path: Path, change, name: str = "de-nghi.yaml") -> Path:
    raw = yaml.safe_load((SETS / "qd766-2022.yaml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _leaf(raw: dict, cid: str) -> dict:
    for area in raw["criteria"]:
        for leaf in area.get("children", []):
            if leaf["id"] == cid:
                return leaf
    raise KeyError(cid)


def test_a_raised_parameter_moves_units_down_with_the_criterion_that_did_it(province, tmp_path):
    before = counts(province)
    path = _changed(tmp_path, lambda r: r["parameters"]["nguong_2_1"].update(value=100) or
                    r["classification"][0].update(min=75) or _leaf(r, "3.3")["scoring"].update(target=70))
    p = preview(province, CURRENT, load_new(str(path)), PERIOD)
    assert counts(province) == before  # nothing written
    assert any("tiêu chí 3.3" in r and "ngưỡng đủ điểm 50% → 70%" in r for r in p.rules)
    assert any("ngưỡng xếp loại «Tốt»: 80% → 75%" in r for r in p.rules)
    assert p.moved
    deltas = [abs(m.change.delta) for m in p.moved]
    assert deltas == sorted(deltas, reverse=True)  # largest first
    first = p.moved[0]
    assert first.change.delta < 0
    assert "tiêu chí 3.3 giảm" in first.sentence() and "ngưỡng đủ điểm 50% → 70%" in first.sentence()
    assert "đơn vị đạt" in first.sentence()
    lines = p.lines()
    assert any(line.startswith(f"- {first.change.name}: ") for line in lines)


def test_a_class_moved_by_a_raised_cut_off_says_which_cut_off(province, tmp_path):
    path = _changed(tmp_path, lambda r: r["classification"][1].update(min=75))
    p = preview(province, CURRENT, load_new(str(path)), PERIOD)
    moved = [m for m in p.moved if m.change.class_before != m.change.class_after]
    assert moved and all(m.change.delta == 0 for m in p.moved)
    assert all("Khá" == m.change.class_before for m in moved)
    assert "ngưỡng xếp loại «Khá» 65% → 75%" in moved[0].sentence()


def test_an_added_criterion_names_the_input_the_store_lacks(province, tmp_path):
    def add(raw):
        raw["inputs"]["so_sang_kien_cchc"] = "Số sáng kiến CCHC được công nhận"
        raw["criteria"].append({"id": "6", "title": "Sáng kiến cải cách hành chính", "max": 5, "reference": "Đề nghị",
                                "children": [{"id": "6.1", "title": "Sáng kiến CCHC", "max": 5,
                                              "value": "so_sang_kien_cchc", "reference": "Đề nghị, mục 6",
                                              "scoring": {"method": "threshold", "target": 1}}]})
    p = preview(province, CURRENT, load_new(str(_changed(tmp_path, add))), PERIOD)
    assert any("thêm tiêu chí 6.1 «Sáng kiến CCHC»" in r for r in p.rules)
    lacking = {x.name: x for x in p.lacking}
    assert not lacking["so_sang_kien_cchc"].known
    assert "chưa có trong danh mục chỉ tiêu" in lacking["so_sang_kien_cchc"].sentence()


def test_a_removed_criterion_gives_back_its_points_in_words(province, tmp_path):
    def remove(raw):
        area = raw["criteria"][2]
        gone = next(c for c in area["children"] if c["id"] == "3.1")
        area["children"].remove(gone)
        area["max"] -= gone["max"]
    p = preview(province, CURRENT, load_new(str(_changed(tmp_path, remove))), PERIOD)
    assert any(r.startswith("bỏ tiêu chí 3.1") for r in p.rules)
    assert p.moved and all(m.change.delta <= 0 for m in p.moved)
    assert any("tiêu chí 3.1 giảm" in m.sentence() and "do bỏ tiêu chí này" in m.sentence() for m in p.moved)


def test_a_changed_scoring_method_is_said(province, tmp_path):
    path = _changed(tmp_path, lambda r: _leaf(r, "2.1")["scoring"].update(method="threshold", target=95))
    p = preview(province, CURRENT, load_new(str(path)), PERIOD)
    assert any("cách tính điểm «theo tỷ lệ so với ngưỡng» → «đạt ngưỡng mới có điểm»" in r for r in p.rules)
    assert any("tiêu chí 2.1" in m.sentence() for m in p.moved)


def test_a_rule_set_that_does_not_load_is_refused_with_its_file_and_line(province, tmp_path):
    path = _changed(tmp_path, lambda r: _leaf(r, "3.3")["scoring"].update(method="bac_thang"), "sai.yaml")
    before = counts(province)
    with pytest.raises(Refused) as e:
        load_new(str(path))
    assert "sai.yaml" in e.value.message and "dòng" in e.value.message and "bac_thang" in e.value.message
    assert counts(province) == before


def test_the_annex_and_the_command(province, tmp_path):
    path = _changed(tmp_path, lambda r: r["parameters"]["nguong_2_1"].update(value=90))
    p = preview(province, CURRENT, load_new(str(path)), PERIOD)
    text = read_docx_text(annex(province, p, date(2025, 1, 15)), tmp_path / "pl.docx")
    assert "So sánh kết quả chấm điểm năm 2024" in text and p.moved[0].change.name in text
    assert "tiêu chí 2.1 tăng" in text

    from cchc.preview_cli import preview as command
    from cchc.shell import settings

    app = typer.Typer()
    app.command("preview")(command)
    app.command("other")(lambda: None)
    settings.reset()
    settings.database_url = str(province.url)
    before = counts(province)
    try:
        done = CliRunner().invoke(app, ["preview", str(path), "--against", "qd766-2022", "--period", "Năm 2024",
                                        "--format", "xlsx", "--out", str(tmp_path / "out")])
    finally:
        settings.reset()
        settings.database_url = None
    assert done.exit_code == 0, done.output
    assert "tiêu chí 2.1 tăng" in done.output
    assert (tmp_path / "out" / "phu-luc-so-sanh-qd766-2022-2024-NAM.xlsx").exists()
    assert counts(province) == before


def test_a_stricter_title_rule_set_shows_who_would_lose_a_title_and_why_writing_nothing(province, tmp_path):
    from office.preview import preview_titles

    raw = yaml.safe_load((SETS / "danh-hieu-ca-nhan-2022.yaml").read_text(encoding="utf-8"))
    raw["id"] = "danh-hieu-de-nghi"
    first = raw["variables"]["lao_dong_tien_tien"]["all"][0]
    first.update(when="xep_loai >= 4", reason="xếp loại chưa đạt Hoàn thành xuất sắc nhiệm vụ (đề nghị)")
    path = tmp_path / "danh-hieu-de-nghi.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = counts(province)
    p = preview_titles(province, find("danh-hieu-ca-nhan-2022"), load_new(str(path)), 2024)
    assert counts(province) == before  # nothing written
    assert any("«Lao động tiên tiến»: điều kiện mới «xep_loai >= 4»" in r for r in p.rules)
    assert any("bỏ điều kiện «xep_loai >= 3»" in r for r in p.rules)
    assert p.changes and not any(c.after for c in p.changes)  # stricter: only losses
    lost = [c for c in p.changes if c.title == "Lao động tiên tiến"]
    assert lost and all("xếp loại chưa đạt Hoàn thành xuất sắc nhiệm vụ (đề nghị)" in c.why for c in lost)
    assert "không còn đạt «Lao động tiên tiến» theo bộ mới vì: xếp loại chưa đạt" in lost[0].sentence()
    back = preview_titles(province, load_new(str(path)), find("danh-hieu-ca-nhan-2022"), 2024)
    assert {(c.person, c.title) for c in back.changes} == {(c.person, c.title) for c in p.changes}
    assert all(c.after for c in back.changes)  # the other way round: the same people gain
    with pytest.raises(Refused):
        preview_titles(province, find("danh-hieu-ca-nhan-2022"), CURRENT, 2024)

    from cchc.preview_cli import preview as command
    from cchc.shell import settings

    app = typer.Typer()
    app.command("preview")(command)
    app.command("other")(lambda: None)
    settings.reset()
    settings.database_url = str(province.url)
    try:
        done = CliRunner().invoke(app, ["preview", str(path), "--period", "Năm 2024"])
    finally:
        settings.reset()
        settings.database_url = None
    assert done.exit_code == 0, done.output
    assert "thay đổi danh hiệu" in done.output and "không còn đạt «Lao động tiên tiến»" in done.output
