"""The demo province: deterministic, shaped like the seeds, with a few units doing badly."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc import names
from cchc.demo import POOR_DEPARTMENTS, DemoSpec, generate
from rules.ruleset import for_use
from store.ingest import ingest_file
from store.queries import indicator_frame

SPEC = DemoSpec(communes=12, dossiers=30_000)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("demo"), SPEC)


def test_same_seed_same_data(files, tmp_path):
    other = generate(tmp_path, SPEC)
    assert files.dossiers.read_bytes() == other.dossiers.read_bytes()
    assert files.people.read_bytes() == other.people.read_bytes()
    assert files.facts.read_bytes() == other.facts.read_bytes()
    pd.testing.assert_frame_equal(pd.read_excel(files.facts), pd.read_excel(other.facts))


def test_the_province_has_the_seed_departments_and_divisions(files):
    units = pd.read_excel(files.units)
    have = set(units["Tên đơn vị"])
    for name in ("Sở Nội vụ", "Văn phòng UBND tỉnh", "Sở Tư pháp", "Sở Thông tin và Truyền thông",
                 "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Kế hoạch và Đầu tư"):  # seed 003
        assert name in have
    divisions = units[units["Mã đơn vị cấp trên"] == "SKHCN"]["Tên đơn vị"].tolist()
    assert divisions == [n for _, n in names.SKHCN_DIVISIONS]  # seeds 000 and 004
    assert (units["Loại đơn vị"] == "UBND xã, phường").sum() == SPEC.communes


def test_everything_ingests_and_poor_units_show(files, engine):
    for path in files.in_order():
        ingest_file(engine, path)
    year = indicator_frame(engine, "2024-NAM")
    on_time = year["hs_dung_han"] / year["hs_tiep_nhan"]
    assert year["hs_tiep_nhan"].sum() == SPEC.dossiers
    assert on_time[list(POOR_DEPARTMENTS)].max() < on_time.drop(list(POOR_DEPARTMENTS)).median()
    assert year.loc["SKHCN", "quy_trinh_noi_bo"] == 53  # seed 004: 53/53 internal procedures
    assert (year["van_ban_ky_so"] <= year["van_ban_di"] - year["van_ban_mat"]).all()


def test_the_declared_figures_raise_no_warning(files, engine):
    """A figure counted from the year's start is no smaller in a later period: the demo's files are what a
    careful office sends, and the store would warn of each such pair."""
    ingest_file(engine, files.units)
    for path in (files.previous_facts, files.facts):
        assert [w.message for w in ingest_file(engine, path).warnings] == []


def test_staff_have_several_years_of_ratings(files):
    people = pd.read_csv(files.people)
    years = people.groupby("Mã cán bộ")["Năm đánh giá"].nunique()
    assert years.max() == SPEC.history and (years >= 2).mean() > 0.8
    shares = people["Xếp loại"].value_counts(normalize=True)
    assert 0.5 < shares["Hoàn thành tốt nhiệm vụ"] < 0.8 and shares["Không hoàn thành nhiệm vụ"] < 0.08


def test_each_finding_cites_the_criterion_it_speaks_of(files):
    """A conclusion prints «(tiêu chí 4.2)» after the finding: the criterion of the units' rule set whose subject
    the finding names (số hóa is 4.2 of QĐ 766; 3.6 is online payment)."""
    findings = pd.read_excel(files.findings, dtype={"Tiêu chí": str, "Tồn tại, hạn chế": str})
    findings["Tiêu chí"] = findings["Tiêu chí"].fillna("")
    leaves = {leaf.id: leaf.title.lower() for leaf in for_use("units").leaves}
    cited = findings[findings["Tiêu chí"] != ""]
    assert len(cited) >= 3
    for criterion, text in zip(cited["Tiêu chí"], cited["Tồn tại, hạn chế"]):
        assert criterion in leaves, criterion
        subject = next(w for w in ("số hóa", "trực tuyến", "công khai", "thanh toán") if w in text.lower()
                       or w in leaves[criterion])
        assert subject in text.lower() and subject in leaves[criterion], (criterion, text, leaves[criterion])
