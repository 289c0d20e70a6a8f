"""Anomaly flags on the demo province: a planted misdeclaration comes first in the appraisal queue, with its
reason and figures; a part above its whole is flagged; nothing is written."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from helpers import FACT_HEADERS, write_csv
from office.anomalies import queue
from store.db import counts
from store.ingest import ingest_file
from store.queries import indicator_frame

PERIOD = "2024-NAM"


def test_a_commune_declaring_all_online_while_its_dossiers_say_far_less_comes_first(province, tmp_path):
    now = indicator_frame(province, PERIOD)
    unit = "XA0006"
    total = int(now.at[unit, "tthc_tong"])
    online = now.at[unit, "hs_truc_tuyen"] / now.at[unit, "hs_tiep_nhan"] * 100
    assert online < 50
    ingest_file(province, write_csv(tmp_path / "khai_bao.csv", FACT_HEADERS, [
        [unit, "Năm 2024", "tthc_dvctt", total, "Báo cáo năm 2024"],
        [unit, "Năm 2024", "tthc_toan_trinh", total, "Báo cáo năm 2024"]]))
    before = counts(province)
    q = queue(province, PERIOD)
    assert counts(province) == before  # a read
    first = q[0]
    assert first.unit == unit
    kinds = {f.kind for f in first.flags}
    assert "doi_chieu" in kinds and "dong_nhom" in kinds
    reason = next(f.reason for f in first.flags if f.kind == "doi_chieu")
    assert "tỷ lệ TTHC trực tuyến toàn trình đơn vị kê khai 100%" in reason
    assert "tỷ lệ hồ sơ nộp trực tuyến theo dữ liệu hồ sơ chỉ" in reason
    risks = [r.risk for r in q]
    assert risks == sorted(risks, reverse=True)

    from cchc.preview_cli import anomalies
    from cchc.shell import settings

    app = typer.Typer()
    app.command("anomalies")(anomalies)
    app.command("other")(lambda: None)
    settings.reset()
    settings.database_url = str(province.url)
    try:
        done = CliRunner().invoke(app, ["anomalies", "--period", "Năm 2024"])
    finally:
        settings.reset()
        settings.database_url = None
    assert done.exit_code == 0, done.output
    assert done.output.index(unit) < min(done.output.index(r.unit) for r in q[1:]) if len(q) > 1 else True


def test_a_declared_count_within_the_dossiers_recorded_is_not_flagged(province, tmp_path):
    now = indicator_frame(province, PERIOD)
    unit = "XA0001"
    whole = int(now.at[unit, "hs_tiep_nhan"])
    ingest_file(province, write_csv(tmp_path / "dong_bo.csv", FACT_HEADERS, [
        [unit, "Năm 2024", "hs_dong_bo_dvcqg", whole, "Báo cáo đồng bộ Cổng DVCQG"]]))
    q = {r.unit: r for r in queue(province, PERIOD)}
    assert unit not in q or not any(f.kind in ("vuot_ho_so", "thieu_kiem_chung") for f in q[unit].flags)


def test_a_misdeclaring_commune_carries_its_anomaly_risk_into_next_years_inspection_plan(province, tmp_path):
    from helpers import scored
    from office.anomalies import inspection_risk, settings
    from office.plans import plan_inspections

    scored(province, "qd766-2022", 2024)
    unit = "XA0006"
    before = {v.unit: v for v in plan_inspections(province, 2025)}
    total = int(indicator_frame(province, PERIOD).at[unit, "tthc_tong"])
    ingest_file(province, write_csv(tmp_path / "khai_bao.csv", FACT_HEADERS, [
        [unit, "Năm 2024", "tthc_dvctt", total, "Báo cáo năm 2024"],
        [unit, "Năm 2024", "tthc_toan_trinh", total, "Báo cáo năm 2024"]]))
    added, why = inspection_risk(province, PERIOD)[unit]
    assert added == float(settings()["trong_so_kiem_tra"]) * next(r.risk for r in queue(province, PERIOD) if r.unit == unit)
    after = {v.unit: v for v in plan_inspections(province, 2025)}
    visit = after[unit]  # chosen, whatever its result: the data contradict what it declared
    assert "kê khai có dấu hiệu không khớp dữ liệu" in visit.reason and "đơn vị kê khai 100%" in visit.reason
    # the signed plan says what was seen, not the statistics behind it, which the appraisers' queue keeps
    assert "rủi ro" not in why and "độ lệch chuẩn hóa" not in visit.reason
    if unit in before:
        assert visit.risk > before[unit].risk


def test_the_appraisal_queue_puts_the_misdeclaring_unit_first_with_its_reasons(province, tmp_path):
    from office.anomalies import by_risk

    unit = "XA0006"
    total = int(indicator_frame(province, PERIOD).at[unit, "tthc_tong"])
    ingest_file(province, write_csv(tmp_path / "khai_bao.csv", FACT_HEADERS, [
        [unit, "Năm 2024", "tthc_dvctt", total, "Báo cáo năm 2024"],
        [unit, "Năm 2024", "tthc_toan_trinh", total, "Báo cáo năm 2024"]]))
    listed = by_risk(province, PERIOD, [{"code": c} for c in ("XA0001", "XA0002", unit)])
    assert listed[0]["code"] == unit and listed[0]["risk"] > 0
    assert any("đơn vị kê khai 100%" in f for f in listed[0]["flags"])
    peers = [f for f in listed[0]["flags"] if "các đơn vị cùng loại quanh" in f]
    assert peers and all("lần độ lệch chuẩn hóa, ngưỡng" in f for f in peers)  # the queue says how far
    assert [u["code"] for u in listed[1:]] == ["XA0001", "XA0002"] or listed[1]["risk"] >= listed[2]["risk"]
