"""The demo province: realistic, deterministic synthetic data, written as the files users would bring.

Lai Châu's departments (seed 003) and communes, the Department of Science and Technology with its
divisions (seeds 000 and 004), staff with yearly ratings, initiatives and discipline over several years,
the units' declared figures, and a year of TTHC dossiers with believable rates — a few units doing badly.
Everything is drawn from one seeded generator, so the same parameters give the same files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cchc import names
from reports.xlsx import frame_to_workbook, save_workbook
from rules.ruleset import for_use
from store import calendar, indicators

# Units whose figures are made poor on purpose, so that rankings and inspections have something to find.
POOR_DEPARTMENTS = ("SXD", "STNMT")
POOR_COMMUNE_SHARE = 0.05
PREVIOUS_SHARE = 5  # last year's dossiers: a fifth of this year's (enough for its rates, quicker to load)


@dataclass(frozen=True)
class DemoSpec:
    year: int = 2024
    communes: int = 100
    dossiers: int = 1_000_000
    history: int = 5  # years of staff ratings, ending with ``year``
    seed: int = 20241215
    # Years of figures and dossiers before ``year`` with seasons and unit trends (cchc.demo_years); 0: last
    # year's only, a fifth of the volume, dossiers arriving evenly.
    past_years: int = 0


@dataclass(frozen=True)
class DemoFiles:
    units: Path
    people: Path
    initiatives: Path
    disciplines: Path
    previous_facts: Path  # last year's figures and dossiers: what this year's plans start from
    previous_dossiers: Path
    facts: Path
    dossiers: Path
    submissions: Path  # the register of periodic reports received
    findings: Path  # what the year's inspections found
    # What the departments said in their periodic reports where there are no figures (bao_cao_noi_dung).
    narratives: Path
    # Emulation records: SKHCN divisions' own ratings over two years, last year's decided titles, matters that
    # hold awards back (one open, one closed), an accepted research topic.
    collective_ratings: Path
    awards: Path
    proceedings: Path
    topics: Path
    # (figures, dossiers) of the years before last, oldest first (``DemoSpec.past_years``).
    earlier: tuple[tuple[Path, Path], ...] = ()

    def in_order(self) -> list[Path]:
        """Ingestion order: each file refers only to what the files before it brought."""
        return [self.units, self.people, self.initiatives, self.disciplines, self.collective_ratings, self.awards,
                self.proceedings, self.topics, *(f for pair in self.earlier for f in pair), self.previous_facts,
                self.previous_dossiers, self.facts, self.dossiers, self.submissions, self.findings, self.narratives]

    def year_of(self, path: Path, year: int) -> int | None:
        """The reporting year of a dossier file (None for the others)."""
        years = {self.dossiers: year, self.previous_dossiers: year - 1}
        years.update({d: year - len(self.earlier) - 1 + i for i, (_, d) in enumerate(self.earlier)})
        return years.get(path)


def units_frame(spec: DemoSpec) -> pd.DataFrame:
    rows = [(names.PROVINCE[0], names.PROVINCE[1], "UBND tỉnh", "")]
    rows += [(code, name, "Sở, ban, ngành", "TINH") for code, name in names.DEPARTMENTS]
    rows += [(code, name, "Phòng, đơn vị trực thuộc", "SKHCN") for code, name in names.SKHCN_DIVISIONS]
    for code, name in names.DEPARTMENTS:
        if code != "SKHCN":
            office = "Phòng Hành chính - Tổ chức" if code == "VPUBND" else f"Văn phòng {name}"
            rows.append((f"{code}-VP", office, "Phòng, đơn vị trực thuộc", code))
    for i in range(spec.communes):
        ward = i < len(names.WARDS)
        base = names.WARDS[i] if ward else names.COMMUNE_NAMES[(i - len(names.WARDS)) % len(names.COMMUNE_NAMES)]
        lap = (i - len(names.WARDS)) // len(names.COMMUNE_NAMES)
        label = base if ward or lap == 0 else f"{base} {lap + 1}"
        rows.append((f"XA{i + 1:04d}", f"UBND {'phường' if ward else 'xã'} {label}", "UBND xã, phường", "TINH"))
    frame = pd.DataFrame(rows, columns=["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"])
    # The issuer columns of the units whose heads are not in the staff list (the province, and the
    # Department of Science and Technology, whose staff all sit in its divisions); the others sign as the
    # staff list says.
    issuers = pd.DataFrame(names.ISSUERS, columns=["Mã đơn vị", *ISSUER_HEADERS])
    return frame.merge(issuers, on="Mã đơn vị", how="left").fillna("")


ISSUER_HEADERS = ["Ký hiệu viết tắt", "Địa danh", "Người ký", "Chức vụ người ký", "Thẩm quyền ký", "Nơi nhận"]


def _staff_units(units: pd.DataFrame, rng: np.random.Generator) -> list[tuple[str, str, int]]:
    """(unit code, kind, head count) for every unit that employs staff directly."""
    out = []
    for code, kind in zip(units["Mã đơn vị"], units["Loại đơn vị"]):
        if kind == "Sở, ban, ngành" and code != "SKHCN":
            out.append((code, "so", int(rng.integers(28, 60))))
        elif kind == "Phòng, đơn vị trực thuộc":
            out.append((code, "phong", int(rng.integers(8, 22))))
        elif kind == "UBND xã, phường":
            out.append((code, "xa", int(rng.integers(16, 26))))
    return out


def people_frame(spec: DemoSpec, units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per person and year of rating; a person's ability persists, so good years come in runs."""
    years = list(range(spec.year - spec.history + 1, spec.year + 1))
    rows = []
    serial = 0
    for unit, kind, heads in _staff_units(units, rng):
        for h in range(heads):
            serial += 1
            female = rng.random() < 0.48
            family = names.FAMILY[rng.integers(len(names.FAMILY))]
            middle = (names.MIDDLE_FEMALE if female else names.MIDDLE_MALE)
            given = (names.GIVEN_FEMALE if female else names.GIVEN_MALE)
            full = f"{family} {middle[rng.integers(len(middle))]} {given[rng.integers(len(given))]}"
            if kind == "xa":
                position = names.COMMUNE_POSITIONS[h] if h < len(names.COMMUNE_POSITIONS) else \
                    names.COMMUNE_POSITIONS[rng.integers(5)]
            elif h == 0:
                position = "Giám đốc" if kind == "so" else "Trưởng phòng"
            elif h in (1, 2) and kind == "so":
                position = "Phó Giám đốc"
            else:
                position = names.DEPARTMENT_POSITIONS[rng.integers(len(names.DEPARTMENT_POSITIONS))]
            category = ("Cán bộ" if "Chủ tịch" in position else "Người lao động" if position == "Nhân viên"
                        else "Viên chức" if unit == "SKHCN-TTKD" else "Công chức")
            birth = pd.Timestamp(1964, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 365 * 36)))
            ability = rng.normal(0, 1)
            start = years[int(rng.integers(0, len(years)))] if rng.random() < 0.15 else years[0]
            for year in years:
                if year < start:
                    continue
                score = ability + rng.normal(0, 0.6)
                rating = ("Hoàn thành xuất sắc nhiệm vụ" if score > 1.15 else
                          "Hoàn thành tốt nhiệm vụ" if score > -0.9 else
                          "Hoàn thành nhiệm vụ" if score > -2.0 else "Không hoàn thành nhiệm vụ")
                rows.append((f"CB{serial:05d}", full, "Nữ" if female else "Nam", birth.strftime("%d/%m/%Y"),
                             category, position, unit, year, rating))
    return pd.DataFrame(rows, columns=["Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Đối tượng",
                                       "Chức vụ", "Mã đơn vị", "Năm đánh giá", "Xếp loại"])


def initiatives_frame(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Base-level initiatives, mostly by people rated excellent that year."""
    excellent = people["Xếp loại"].eq("Hoàn thành xuất sắc nhiệm vụ")
    chance = np.where(excellent, 0.35, 0.02)
    chosen = people[rng.random(len(people)) < chance]
    rows = []
    for i, r in enumerate(chosen.itertuples(index=False), start=1):
        topic = names.INITIATIVE_TOPICS[rng.integers(len(names.INITIATIVE_TOPICS))]
        level = "Tỉnh" if rng.random() < 0.08 else "Cơ sở"
        rows.append((f"SK-{r[7]}-{i:04d}", f"{topic} tại {r[6]}", r[0], r[7], level,
                     f"{rng.integers(10, 300)}/QĐ-{r[6].split('-')[0]}"))
    return pd.DataFrame(rows, columns=["Mã sáng kiến", "Tên sáng kiến", "Mã cán bộ", "Năm công nhận",
                                       "Cấp công nhận", "Số quyết định công nhận"])


def disciplines_frame(spec: DemoSpec, people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A few discipline records a year; this year's last ones still under review."""
    weak = people[people["Xếp loại"].isin(["Không hoàn thành nhiệm vụ", "Hoàn thành nhiệm vụ"])]
    chosen = weak[rng.random(len(weak)) < 0.05]
    rows = []
    for r in chosen.itertuples(index=False):
        form = ["Khiển trách", "Khiển trách", "Cảnh cáo", "Hạ bậc lương"][rng.integers(4)]
        if form == "Hạ bậc lương" and r[4] != "Công chức":  # a công chức's form only (Luật Cán bộ, công chức Đ.79)
            form = "Cảnh cáo"
        pending = r[7] == spec.year and rng.random() < 0.3
        day = pd.Timestamp(r[7], int(rng.integers(2, 12)), int(rng.integers(1, 28)))
        rows.append((r[0], r[7], form, "Đang xem xét" if pending else "Đã quyết định",
                     "" if pending else f"{rng.integers(5, 200)}/QĐ-{r[6].split('-')[0]}",
                     "" if pending else day.strftime("%d/%m/%Y")))
    return pd.DataFrame(rows, columns=["Mã cán bộ", "Năm", "Hình thức kỷ luật", "Trạng thái", "Số quyết định",
                                       "Ngày quyết định"])


def rated_as_disciplined(people: pd.DataFrame, disciplines: pd.DataFrame) -> pd.DataFrame:
    """A person disciplined (decided) in a year is rated Không hoàn thành nhiệm vụ for it: the demo's ratings say so."""
    decided = disciplines[disciplines["Trạng thái"] == "Đã quyết định"]
    keys = set(zip(decided["Mã cán bộ"], decided["Năm"]))
    hit = [(code, year) in keys for code, year in zip(people["Mã cán bộ"], people["Năm đánh giá"])]
    return people.assign(**{"Xếp loại": people["Xếp loại"].mask(hit, "Không hoàn thành nhiệm vụ")})


# The share of the year's activity inside each reported period's window.
PERIOD_SHARE = {"Q1": 0.25, "6T": 0.5, "Q3": 0.25, "9T": 0.75, "NAM": 1.0}


def facts_frame(spec: DemoSpec, units: pd.DataFrame, people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The figures units declare each period: documents, TTHC, internal procedures, surveys, staff."""
    staff = people[people["Năm đánh giá"] == spec.year].copy()
    staff["top"] = staff["Mã đơn vị"].str.split("-").str[0]
    heads = staff.groupby("top").size()
    rows = []
    scored = units[units["Loại đơn vị"].isin(["Sở, ban, ngành", "UBND xã, phường"])]
    for code, kind in zip(scored["Mã đơn vị"], scored["Loại đơn vị"]):
        dept = kind == "Sở, ban, ngành"
        poor = code in POOR_DEPARTMENTS or (not dept and rng.random() < POOR_COMMUNE_SHARE)
        quality = rng.uniform(0.55, 0.85) if poor else rng.uniform(0.93, 1.0)
        tthc = 53 if code == "SKHCN" else int(rng.integers(40, 160) if dept else rng.integers(90, 130))
        yearly_docs = int(rng.integers(900, 2600) if dept else rng.integers(400, 1100))
        n_staff = int(heads.get(code, 20))
        fixed = {
            "tthc_tong": tthc,
            "quy_trinh_noi_bo": tthc,
            "so_ccvc": n_staff,
            "vbqppl_phai_ra_soat": int(rng.integers(4, 30)) if dept else int(rng.integers(0, 6)),
        }
        declared = {  # indicator: (the whole it is part of, the share of it the unit reaches)
            "tthc_cong_khai": (tthc, min(1, quality + 0.05)),
            "tthc_cap_nhat_dung_han": (tthc, min(1, quality + 0.04)),
            "tthc_dvctt": (tthc, min(1, quality + 0.02)),
            "quy_trinh_noi_bo_dvctt_4": (tthc, min(1, quality + 0.05)),
            "ccvc_ky_cam_ket": (n_staff, 1.0 if quality > 0.95 else quality),
            "ccvc_dung_van_phong_dien_tu": (n_staff, min(1, quality + 0.03)),
            "vbqppl_da_ra_soat": (fixed["vbqppl_phai_ra_soat"], min(1, quality + 0.06)),
        }
        for period, share in PERIOD_SHARE.items():
            values = dict(fixed)
            for ind, (whole, rate) in declared.items():
                values[ind] = min(whole, int(round(whole * min(1.0, rate + rng.normal(0, 0.01)))))
            values["tthc_toan_trinh"] = int(values["tthc_dvctt"] * rng.uniform(0.45, 0.8))
            simplified = rng.uniform(0.2, 0.3) if not poor else rng.uniform(0.05, 0.18)
            values["tthc_don_gian_hoa"] = int(tthc * simplified * min(1, share * 1.3))
            values["tthc_ra_soat"] = int(tthc * rng.uniform(0.3, 0.7) * share)
            docs = max(1, int(yearly_docs * share * rng.uniform(0.9, 1.1)))
            secret = int(docs * rng.uniform(0.0, 0.03))
            signable = docs - secret
            signed = signable if quality > 0.97 and rng.random() < 0.6 else int(signable * min(1, quality + rng.uniform(0, 0.05)))
            values.update(van_ban_di=docs, van_ban_mat=secret, van_ban_ky_so=signed,
                          van_ban_qua_mang=int(docs * min(1, quality + 0.04)))
            values["ty_le_hai_long"] = round(min(99.9, 100 * (quality - 0.02) + rng.normal(0, 1.5)), 1)
            values["pakn_tong"] = int(rng.integers(0, 25) * share) + 1
            values["pakn_dung_han"] = int(round(values["pakn_tong"] * min(1, quality + 0.03)))
            reports = {"Q1": 1, "6T": 2, "Q3": 1, "9T": 3, "NAM": 4}[period]
            values["bao_cao_phai_gui"] = reports
            values["bao_cao_dung_han"] = reports if not poor else max(0, reports - int(rng.integers(0, 2)))
            if dept and period == "NAM":
                values["ddci_diem"] = round(float(np.clip(rng.normal(80 if not poor else 70, 3), 55, 92)), 2)
                values["website_du_thong_tin"] = 1 if quality > 0.9 else 0
                values["sipas"] = round(float(np.clip(100 * quality - rng.uniform(0, 8), 50, 99.5)), 2)
                # The appraisal council's points for criteria judged from documents (thẩm định).
                for name, top in (("td_ke_hoach_cchc", 3), ("td_kiem_tra_cchc", 3), ("td_thi_hanh_phap_luat", 4),
                                  ("td_to_chuc_bo_may", 6), ("td_dao_tao_boi_duong", 3), ("td_tai_chinh_cong", 6)):
                    values[name] = round(float(top * min(1.0, quality + rng.uniform(-0.1, 0.05))) * 4) / 4
            for ind, value in values.items():
                evidence = f"Báo cáo số liệu {period} {spec.year} của {code}" if ind.startswith(("van_ban", "tthc")) else ""
                rows.append((code, f"{spec.year}-{period}", ind, value, evidence))
    frame = pd.DataFrame(rows, columns=["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Tài liệu kiểm chứng"])
    # DDCI and DTI ranks follow the scores, so the figures agree with each other.
    ddci = frame[frame["Mã chỉ tiêu"] == "ddci_diem"].copy()
    ddci["Giá trị"] = ddci["Giá trị"].rank(ascending=False, method="min").astype(int)
    ddci["Mã chỉ tiêu"] = "ddci_hang"
    dti = ddci.assign(**{"Mã chỉ tiêu": "dti_hang"})
    dti["Giá trị"] = rng.permutation(len(dti)) + 1
    return pd.concat([_counted_from_year_start(frame), ddci, dti], ignore_index=True)


# Each period and the periods whose windows it holds, outermost first: a figure counted from the year's start
# («lũy kế») is no larger in a period than in the one holding it.
_HELD_BY = (("9T", "NAM"), ("6T", "9T"), ("Q1", "6T"), ("Q3", "9T"))


def _counted_from_year_start(frame: pd.DataFrame) -> pd.DataFrame:
    """The drawn figures of the indicators counted from the year's start, lowered where a period's would exceed
    that of a period holding it (the store warns of such a pair as a slip). Lowered, not raised: the year's figures
    stay as drawn, and a part stays within its whole (each side is lowered to a smaller figure of its own)."""
    cumulative = {code for code, ind in indicators.registry().items() if ind.cumulative}
    counted = frame["Mã chỉ tiêu"].isin(cumulative)
    wide = frame[counted].assign(period=frame["Kỳ báo cáo"].str.split("-").str[1]).pivot(
        index=["Mã đơn vị", "Mã chỉ tiêu"], columns="period", values="Giá trị")
    for inner, outer in _HELD_BY:
        wide[inner] = np.minimum(wide[inner], wide[outer])
    year = frame["Kỳ báo cáo"].iloc[0].split("-")[0]
    lowered = wide.stack().rename("lowered").reset_index()
    lowered["Kỳ báo cáo"] = year + "-" + lowered["period"]
    out = frame.merge(lowered.drop(columns="period"), on=["Mã đơn vị", "Mã chỉ tiêu", "Kỳ báo cáo"], how="left")
    out["Giá trị"] = out["lowered"].where(out["lowered"].notna(), out["Giá trị"]).astype(frame["Giá trị"].dtype)
    return out.drop(columns="lowered")


def dossiers_frame(spec: DemoSpec, units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A year of TTHC dossiers, vectorised: each unit has its own volume and habits."""
    handling = units[units["Loại đơn vị"].isin(["Sở, ban, ngành", "UBND xã, phường"])]["Mã đơn vị"].to_numpy()
    n_units = len(handling)
    poor = np.isin(handling, POOR_DEPARTMENTS) | (rng.random(n_units) < POOR_COMMUNE_SHARE)
    weight = rng.lognormal(0, 0.8, n_units)
    unit_idx = np.sort(rng.choice(n_units, size=spec.dossiers, p=weight / weight.sum()))
    per_unit = {
        "online": np.where(poor, rng.uniform(0.1, 0.35, n_units), rng.uniform(0.45, 0.9, n_units)),
        "on_time": np.where(poor, rng.uniform(0.75, 0.9, n_units), rng.uniform(0.96, 0.998, n_units)),
        "digitised": np.where(poor, rng.uniform(0.2, 0.5, n_units), rng.uniform(0.75, 0.98, n_units)),
        "e_result": np.where(poor, rng.uniform(0.3, 0.6, n_units), rng.uniform(0.8, 0.99, n_units)),
        "pay_online": np.where(poor, rng.uniform(0.05, 0.3, n_units), rng.uniform(0.4, 0.85, n_units)),
    }
    p = {k: v[unit_idx] for k, v in per_unit.items()}
    n = spec.dossiers
    window = calendar.year_window(spec.year)
    start = np.datetime64(window.start, "D")
    days = (np.datetime64(window.end, "D") - start).astype(int) + 1
    received = start + rng.integers(0, days, n).astype("timedelta64[D]")
    weekday = (received.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    received = received + np.where(weekday >= 5, 7 - weekday, 0).astype("timedelta64[D]")
    received = np.minimum(received, np.datetime64(window.end, "D"))
    # Each unit runs its own catalogue of procedures with a legal processing time each.
    tthc_pool = 60
    tthc_local = rng.integers(0, tthc_pool, n)
    tthc_code = (np.array([f"{1 + (u % 2)}.00{4000 + 37 * u:04d}" for u in range(tthc_pool * 3)])
                 [(tthc_local + unit_idx * 7) % (tthc_pool * 3)])
    legal_days = (tthc_local % 15) + 1
    due = received + (legal_days * 7 // 5 + 1).astype("timedelta64[D]")
    on_time = rng.random(n) < p["on_time"]
    spent = np.where(on_time, rng.integers(0, 1000, n) % (legal_days * 7 // 5 + 2),
                     legal_days * 7 // 5 + 2 + rng.integers(1, 20, n))
    finished = received + spent.astype("timedelta64[D]")
    unfinished = finished > np.datetime64(window.end, "D") + np.timedelta64(10, "D")
    channel = np.where(rng.random(n) < p["online"], "Trực tuyến",
                       np.where(rng.random(n) < 0.08, "Bưu chính", "Trực tiếp"))
    has_fee = (tthc_local % 5) < 2
    paid_online = has_fee & (channel == "Trực tuyến") & (rng.random(n) < p["pay_online"] / 0.8)
    digitised = rng.random(n) < p["digitised"]
    e_result = ~unfinished & (rng.random(n) < p["e_result"])
    supplements = np.where(rng.random(n) < 0.06, rng.integers(1, 3, n), 0)
    from cchc.demo_years import dossier_table, paper_results

    return dossier_table(handling[unit_idx], tthc_code, received, due, finished, unfinished, channel, has_fee,
                         paid_online, digitised, e_result, supplements, paper_results(tthc_local))


def submissions_frame(spec: DemoSpec, units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The register of periodic reports received: most on time, poor units often late, a few never sent."""
    reporting = units[units["Loại đơn vị"].isin(["Sở, ban, ngành", "UBND xã, phường"])]["Mã đơn vị"].tolist()
    poor = {c for c in reporting if c in POOR_DEPARTMENTS or (c.startswith("XA") and rng.random() < POOR_COMMUNE_SHARE)}
    rows = []
    for p in calendar.periods_of(spec.year):
        if p.kind.code not in calendar.REPORTED:
            continue
        for n, code in enumerate(reporting, start=1):
            bad = code in poor
            if rng.random() < (0.15 if bad else 0.01):
                continue  # never sent
            if rng.random() < (0.5 if bad else 0.05):
                sent = p.due + pd.Timedelta(days=int(rng.integers(1, 13 if bad else 4)))
            else:
                sent = p.due - pd.Timedelta(days=int(rng.integers(0, 7)))
            rows.append((code, p.label, sent.strftime("%d/%m/%Y"), f"{n + 10 * p.end.month}/BC-{code}"))
    return pd.DataFrame(rows, columns=["Mã đơn vị", "Kỳ báo cáo", "Ngày gửi", "Số hiệu văn bản"])


def findings_frame(spec: DemoSpec, units: pd.DataFrame) -> pd.DataFrame:
    """What the inspection team found at the poor departments and at two communes; at Sở Xây dựng the
    declared publicity of procedures was not borne out, and the appraisal lowers criterion 1.3."""
    y = spec.year
    communes = units[units["Loại đơn vị"] == "UBND xã, phường"]["Mã đơn vị"].tolist()[:2]
    rows = [
        (y, POOR_DEPARTMENTS[0], f"12/06/{y}", "1.3",
         "Chưa niêm yết đầy đủ TTHC tại Bộ phận Một cửa; số TTHC công khai tự đánh giá cao hơn thực tế",
         "Niêm yết, công khai đầy đủ 100% TTHC tại Bộ phận Một cửa và trên Cổng dịch vụ công", f"30/09/{y}",
         for_use("units", calendar.year_window(y).end).id, 1),
        (y, POOR_DEPARTMENTS[0], f"12/06/{y}", "",
         "Chưa ban hành kế hoạch khắc phục các tiêu chí bị mất điểm năm trước",
         "Ban hành kế hoạch khắc phục, phân công rõ người, rõ việc, rõ thời hạn", f"31/07/{y}", "", None),
        (y, POOR_DEPARTMENTS[1], f"16/07/{y}", "3.3", "Tỷ lệ hồ sơ tiếp nhận trực tuyến thấp",
         "Hướng dẫn tổ chức, cá nhân nộp hồ sơ trực tuyến; rà soát điều kiện cung cấp dịch vụ công trực tuyến",
         f"31/10/{y}", "", None),
    ]
    for n, code in enumerate(communes):
        rows.append((y, code, f"{10 + n}/09/{y}", "4.2", "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC chưa đạt",
                     "Số hóa hồ sơ, kết quả giải quyết TTHC ngay khi tiếp nhận", f"30/11/{y}", "", None))
    return pd.DataFrame(rows, columns=["Năm kiểm tra", "Mã đơn vị", "Ngày kiểm tra", "Tiêu chí", "Tồn tại, hạn chế",
                                       "Kiến nghị", "Thời hạn khắc phục", "Bộ tiêu chí", "Điểm thẩm định"])


NARRATIVES = {
    "tuyen_truyen": ("Đăng {n} tin, bài về cải cách hành chính trên trang thông tin điện tử của đơn vị; phổ biến kế "
                     "hoạch CCHC đến toàn thể công chức, viên chức.",
                     "Lồng ghép tuyên truyền CCHC trong {n} hội nghị, buổi sinh hoạt chuyên môn."),
    "to_chuc": ("Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức; bố trí công chức theo đề án vị trí việc làm được phê "
                "duyệt.",),
    "tai_chinh": ("Công khai dự toán, quyết toán ngân sách theo quy định; thực hiện quy chế chi tiêu nội bộ.",),
    "iso": ("Duy trì, cải tiến hệ thống quản lý chất lượng theo TCVN ISO 9001:2015; cập nhật {n} quy trình nội bộ.",),
    "kho_khan": ("Hạ tầng công nghệ thông tin tại Bộ phận Một cửa chưa đồng bộ; tỷ lệ hồ sơ nộp trực tuyến ở một số "
                 "lĩnh vực còn thấp.",
                 "Công chức làm công tác kiểm soát TTHC còn ít, phải kiêm nhiệm nhiều việc."),
    "de_xuat": ("Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ chấm điểm Chỉ số CCHC cho công chức đầu mối.",
                "Đề nghị UBND tỉnh bố trí kinh phí nâng cấp thiết bị số hóa hồ sơ TTHC."),
    "phuong_huong": ("Tập trung khắc phục các tiêu chí bị mất điểm; hoàn thành đúng hạn các nhiệm vụ của kế hoạch CCHC "
                     "năm.",),
}


def narratives_frame(spec: DemoSpec, units: pd.DataFrame) -> pd.DataFrame:
    """What the departments said in their periodic reports where the store has no figures: a few sections each
    period, from a generator of its own (the other files stay what they were)."""
    rng = np.random.default_rng(spec.seed + 1)
    departments = units[units["Loại đơn vị"] == "Sở, ban, ngành"]["Mã đơn vị"].tolist()
    rows = []
    for p in calendar.periods_of(spec.year):
        if p.kind.code not in calendar.REPORTED:
            continue
        for code in departments:
            for section, texts in NARRATIVES.items():
                if rng.random() < 0.35:
                    text = texts[int(rng.integers(0, len(texts)))].format(n=int(rng.integers(2, 15)))
                    rows.append((code, p.label, section, text))
    return pd.DataFrame(rows, columns=["Mã đơn vị", "Kỳ báo cáo", "Mục báo cáo", "Nội dung"])


RATING_WORDS = {"Hoàn thành xuất sắc nhiệm vụ": 4, "Hoàn thành tốt nhiệm vụ": 3, "Hoàn thành nhiệm vụ": 2,
                "Không hoàn thành nhiệm vụ": 1}


def collective_ratings_frame(spec: DemoSpec, people: pd.DataFrame) -> pd.DataFrame:
    """SKHCN's divisions rated for last year and this one from their members' ratings: the division whose
    members did best is rated excellent both years (the two years a collective Bằng khen rests on)."""
    rows = []
    divisions = [code for code, _ in names.SKHCN_DIVISIONS]
    staff = people[people["Mã đơn vị"].isin(divisions)]
    mean = staff.assign(level=staff["Xếp loại"].map(RATING_WORDS)).groupby(["Mã đơn vị", "Năm đánh giá"])["level"].mean()
    best = max(divisions, key=lambda u: mean.get((u, spec.year - 1), 0) + mean.get((u, spec.year), 0))
    for year in (spec.year - 1, spec.year):
        for unit in divisions:
            level = mean.get((unit, year), 0)
            rating = ("HTXSNV" if unit == best else "HTTNV" if level >= 2.75 else "HTNV")
            rows.append((unit, year, rating))
    return pd.DataFrame(rows, columns=["Mã tập thể", "Năm đánh giá", "Mức xếp loại tập thể"])


def awards_frame(spec: DemoSpec, people: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Last year's titles as SKHCN decided them for the staff of its divisions (excellent: Chiến sĩ thi đua cơ
    sở; good: Lao động tiên tiến), and its best division's Tập thể lao động xuất sắc, decided by the province."""
    last = spec.year - 1
    divisions = [code for code, _ in names.SKHCN_DIVISIONS]
    rated = people[(people["Năm đánh giá"] == last) & people["Mã đơn vị"].isin(divisions)]
    day = f"20/12/{last}"
    rows = []
    for r in rated.itertuples(index=False):
        form = {"Hoàn thành xuất sắc nhiệm vụ": "Chiến sĩ thi đua cơ sở",
                "Hoàn thành tốt nhiệm vụ": "Lao động tiên tiến"}.get(r[8])
        if form:
            number = "215/QĐ-SKHCN" if form == "Chiến sĩ thi đua cơ sở" else "214/QĐ-SKHCN"
            rows.append(("Cá nhân", r[0], form, last, number, day, "SKHCN"))
    best = ratings[(ratings["Năm đánh giá"] == last) & (ratings["Mức xếp loại tập thể"] == "HTXSNV")]
    for unit in best["Mã tập thể"]:
        rows.append(("Tập thể", unit, "Tập thể lao động xuất sắc", last, "2150/QĐ-UBND", f"28/12/{last}",
                     names.PROVINCE[0]))
    return pd.DataFrame(rows, columns=["Cá nhân hay tập thể", "Mã cán bộ hoặc tập thể",
                                       "Danh hiệu, hình thức khen thưởng", "Năm", "Số quyết định", "Ngày quyết định",
                                       "Cơ quan quyết định"])


def proceedings_frame(spec: DemoSpec, people: pd.DataFrame) -> pd.DataFrame:
    """An investigation still open at the year's end (Sở Tư pháp), and an inspection closed mid-year with no
    finding (Sở Tài chính): the first holds the person's awards back, the second no longer does."""
    now = people[people["Năm đánh giá"] == spec.year]
    first = lambda unit: now[now["Mã đơn vị"] == unit]["Mã cán bộ"].iloc[0]  # noqa: E731
    return pd.DataFrame([
        (first("STP"), "Điều tra", f"15/10/{spec.year}", "", ""),
        (first("STC"), "Thanh tra, kiểm tra", f"10/03/{spec.year}", f"30/06/{spec.year}", "Không có vi phạm"),
    ], columns=["Mã cán bộ", "Loại vụ việc", "Ngày bắt đầu", "Ngày kết thúc", "Kết quả"])


def topics_frame(spec: DemoSpec, people: pd.DataFrame) -> pd.DataFrame:
    """A scientific topic accepted this year, led by someone of SKHCN's science management division."""
    now = people[(people["Năm đánh giá"] == spec.year) & (people["Mã đơn vị"] == "SKHCN-QLKH")]
    return pd.DataFrame([("ĐT-{}-01".format(spec.year), "Ứng dụng chữ ký số trong giải quyết thủ tục hành chính",
                          now["Mã cán bộ"].iloc[-1], spec.year, "Cơ sở")],
                        columns=["Mã đề tài", "Tên đề tài", "Mã cán bộ", "Năm nghiệm thu", "Cấp đề tài"])


def _xlsx(frame: pd.DataFrame, path: Path) -> None:
    # Byte-identical files for the same seed, so that running the demo again ingests nothing new.
    save_workbook(frame_to_workbook(frame), path)


def generate(folder: Path, spec: DemoSpec = DemoSpec(), step=lambda what: None) -> DemoFiles:
    """Write the demo province's input files into ``folder``; ``step`` is told what is being made."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    files = DemoFiles(
        units=folder / "don_vi.xlsx", people=folder / "can_bo.csv", initiatives=folder / "sang_kien.xlsx",
        disciplines=folder / "ky_luat.xlsx", previous_facts=folder / f"so_lieu_{spec.year - 1}.xlsx",
        previous_dossiers=folder / f"ho_so_{spec.year - 1}.csv", facts=folder / f"so_lieu_{spec.year}.xlsx",
        dossiers=folder / f"ho_so_{spec.year}.csv", submissions=folder / f"so_theo_doi_bao_cao_{spec.year}.xlsx",
        findings=folder / f"ket_qua_kiem_tra_{spec.year}.xlsx",
        narratives=folder / f"noi_dung_bao_cao_{spec.year}.xlsx",
        collective_ratings=folder / "xep_loai_tap_the.xlsx", awards=folder / f"khen_thuong_{spec.year - 1}.xlsx",
        proceedings=folder / "vu_viec.xlsx", topics=folder / "de_tai.xlsx",
    )
    step("đơn vị")
    units = units_frame(spec)
    _xlsx(units, files.units)
    step("cán bộ và xếp loại")
    people = people_frame(spec, units, rng)
    people.to_csv(files.people, index=False, encoding="utf-8-sig")
    step("sáng kiến")
    _xlsx(initiatives_frame(people, rng), files.initiatives)
    step("kỷ luật")
    disciplines = disciplines_frame(spec, people, rng)
    _xlsx(disciplines, files.disciplines)
    people = rated_as_disciplined(people, disciplines)  # drawn after the discipline; no draw follows from it
    people.to_csv(files.people, index=False, encoding="utf-8-sig")
    step("số liệu các kỳ")
    _xlsx(facts_frame(spec, units, people, rng), files.facts)
    if not spec.past_years:  # else written with the past years' (nothing after this draws from ``rng``)
        step(f"{spec.dossiers:,} hồ sơ TTHC".replace(",", "."))
        dossiers_frame(spec, units, rng).to_csv(files.dossiers, index=False, encoding="utf-8")
    # Last year comes from a generator of its own, so this year's data stay what they were.
    before = replace(spec, year=spec.year - 1, dossiers=max(1, spec.dossiers // PREVIOUS_SHARE))
    past = np.random.default_rng(spec.seed - 1)
    step(f"số liệu và hồ sơ năm {before.year}")
    _xlsx(facts_frame(before, units, people, past), files.previous_facts)
    dossiers_frame(before, units, past).to_csv(files.previous_dossiers, index=False, encoding="utf-8")
    step("sổ theo dõi báo cáo, kết quả kiểm tra")
    _xlsx(submissions_frame(spec, units, past), files.submissions)
    _xlsx(findings_frame(spec, units), files.findings)
    _xlsx(narratives_frame(spec, units), files.narratives)
    step("xếp loại tập thể, khen thưởng, vụ việc, đề tài")
    collective = collective_ratings_frame(spec, people)
    _xlsx(collective, files.collective_ratings)
    _xlsx(awards_frame(spec, people, collective), files.awards)
    _xlsx(proceedings_frame(spec, people), files.proceedings)
    _xlsx(topics_frame(spec, people), files.topics)
    if spec.past_years > 0:
        files = _past_years(spec, folder, files, units, people, step)
    return files


def _past_years(spec: DemoSpec, folder: Path, files: DemoFiles, units: pd.DataFrame, people: pd.DataFrame,
                step) -> DemoFiles:
    """The years before ``spec.year`` with seasons and trends: every year's dossiers (this year's and last
    year's rewritten so that they continue the same units' habits) and the figures of the years before last."""
    from cchc.demo_years import dossiers_by_year

    step(f"hồ sơ TTHC {spec.past_years + 1} năm theo mùa vụ")
    by_year = dossiers_by_year(spec.year, spec.past_years, spec.dossiers, units, POOR_DEPARTMENTS,
                               POOR_COMMUNE_SHARE, spec.seed)
    by_year[spec.year].to_csv(files.dossiers, index=False, encoding="utf-8")
    by_year[spec.year - 1].to_csv(files.previous_dossiers, index=False, encoding="utf-8")
    earlier = []
    for year in range(spec.year - spec.past_years, spec.year - 1):
        pair = (folder / f"so_lieu_{year}.xlsx", folder / f"ho_so_{year}.csv")
        _xlsx(facts_frame(replace(spec, year=year), units, people, np.random.default_rng([spec.seed, year])), pair[0])
        by_year[year].to_csv(pair[1], index=False, encoding="utf-8")
        earlier.append(pair)
    return replace(files, earlier=tuple(earlier))
