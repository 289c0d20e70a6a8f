"""Dossier counts per unit and period (DOMAIN.md §3.4) written a second time, plainly, in pandas: what the store's
counts (``store.dossier_data``, in DuckDB) are compared with."""

from __future__ import annotations

import numpy as np
import pandas as pd

from store import calendar


def _days(values: pd.Series) -> np.ndarray:
    """Dates as whole days since the epoch (missing: a far future), for fast vectorised comparisons."""
    stamps = pd.to_datetime(values, errors="coerce")
    days = stamps.to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(stamps.isna().to_numpy(), np.iinfo("int64").max // 2, days)


def aggregate(dossiers: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per unit and period of ``year``: the dossier counts of DOMAIN.md §3.4, as a long frame
    (unit_id, period_code, indicator_code, value).

    A dossier belongs to a period when it was received inside the period's data window. At the end of
    the window it is on time if it was finished by its due date, or is still being processed and not yet
    due; more than one request for supplements makes it late (766, indicator 2.1). The due date is taken
    as recorded, i.e. already excluding the time the applicant spent supplementing.

    A dossier of a procedure returning paper results counts for 3.3 and 4.2 only with an electronic result by
    the window's end, and 4.1 is the share of those procedures' finished dossiers with one. A dossier whose
    file had no paper-result column is counted apart (hs_chua_ro_ban_giay), in none of those counts: a rule
    set tells by it whether the exact rates can be had.
    """
    unit = dossiers["unit_id"].to_numpy()
    received, due, finished = (_days(dossiers[c]) for c in ("received", "due", "finished"))
    channel = dossiers["channel"].to_numpy()
    has_fee = dossiers["has_fee"].to_numpy(bool)
    supplements = dossiers["supplements"].to_numpy()
    e_result = dossiers["e_result"].to_numpy(bool)
    paper_values = dossiers["paper_result"].to_numpy(object) if "paper_result" in dossiers else np.full(len(dossiers), None)
    known = pd.notna(paper_values)
    paper = known & np.where(known, paper_values, False).astype(bool)
    out = []
    for period in calendar.periods_of(year):
        start = np.datetime64(period.start, "D").astype("int64")
        end = np.datetime64(period.end, "D").astype("int64")
        inside = (received >= start) & (received <= end)
        if not inside.any():
            continue
        done = inside & (finished <= end)
        late = (done & (finished > due)) | (inside & ~done & (end > due)) | (supplements > 1)
        counts = pd.DataFrame({
            "unit_id": unit,
            "hs_tiep_nhan": inside,
            "hs_truc_tuyen": inside & (channel == "truc_tuyen"),
            "hs_truc_tiep": inside & (channel == "truc_tiep"),
            "hs_buu_chinh": inside & (channel == "buu_chinh"),
            "hs_da_giai_quyet": done,
            "hs_dung_han": inside & ~late,
            "hs_qua_han": inside & late,
            "hs_bo_sung": inside & (supplements >= 1),
            "hs_co_phi": inside & has_fee,
            "hs_thanh_toan_truc_tuyen": inside & has_fee & dossiers["paid_online"].to_numpy(bool),
            "hs_so_hoa": inside & dossiers["digitised"].to_numpy(bool),
            "hs_ket_qua_dien_tu": done & e_result,
            "hs_tong_ngay_giai_quyet": np.where(done, finished - received, 0),
            "hs_chua_ro_ban_giay": inside & ~known,
            "hs_giay_da_giai_quyet": done & paper,
            "hs_giay_ket_qua_dien_tu": done & paper & e_result,
            "hs_truc_tuyen_dat": inside & (channel == "truc_tuyen") & known & (~paper | (done & e_result)),
            "hs_so_hoa_dat": inside & dossiers["digitised"].to_numpy(bool) & known & (~paper | (done & e_result)),
        })[inside]
        sums = counts.groupby("unit_id").sum()
        sums["tthc_phat_sinh_ho_so"] = dossiers.loc[inside, "tthc_code"].groupby(unit[inside]).nunique()
        long = sums.reset_index().melt(id_vars="unit_id", var_name="indicator_code", value_name="value")
        out.append(long.assign(period_code=period.code))
    if not out:
        return pd.DataFrame(columns=["unit_id", "period_code", "indicator_code", "value"])
    facts = pd.concat(out, ignore_index=True)
    facts["value"] = facts["value"].astype(float)
    return facts[["unit_id", "period_code", "indicator_code", "value"]]
