"""People and their yearly records: staff ratings, discipline, recognised initiatives."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from store import models
from store.ingest.bulk import in_slices
from store.ingest.columns import Choice, Day, Text, Year, fold
from store.ingest.kind import Context, Kind, assign, case_variants, left_out, one_value_per
from store.ingest.problems import Collector

RATINGS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
# The lowest yearly rating a person's title needs (Luật TĐKT 2022 Đ.24: hoàn thành tốt nhiệm vụ trở lên for Lao động
# tiên tiến, which Chiến sĩ thi đua cơ sở stands on, Đ.23).
PERSON_TITLE_NEEDS = {"lao_dong_tien_tien": ("HTXSNV", "HTTNV"), "chien_si_thi_dua_co_so": ("HTXSNV", "HTTNV")}
CATEGORIES = {"can_bo": "Cán bộ", "cong_chuc": "Công chức", "vien_chuc": "Viên chức", "nguoi_lao_dong": "Người lao động"}
# The youngest a person may be in a year they are rated: cán bộ, công chức, viên chức from 18 (Luật Cán bộ, công
# chức Đ.36; Luật Viên chức Đ.22), a worker from 15 (Bộ luật Lao động Đ.3).
LEAST_AGE = {"can_bo": 18, "cong_chuc": 18, "vien_chuc": 18, "nguoi_lao_dong": 15}
# Past this age in a year rated, a birth is a slip (01/01/1900 is an Excel date cell that lost its format), not a
# person at work: a bound of this system, not of the law, far above the retirement ages (Bộ luật Lao động Đ.169).
OLDEST_AGE = 80
AGE_SOURCE = {"can_bo": "từ đủ 18 tuổi (Luật Cán bộ, công chức)", "cong_chuc": "từ đủ 18 tuổi (Luật Cán bộ, công chức)",
              "vien_chuc": "từ đủ 18 tuổi (Luật Viên chức)", "nguoi_lao_dong": "từ đủ 15 tuổi (Bộ luật Lao động)"}
DISCIPLINE_FORMS = {
    "khien_trach": "Khiển trách",
    "canh_cao": "Cảnh cáo",
    "ha_bac_luong": "Hạ bậc lương",
    "giang_chuc": "Giáng chức",
    "cach_chuc": "Cách chức",
    "buoc_thoi_viec": "Buộc thôi việc",
    "bai_nhiem": "Bãi nhiệm",  # a cán bộ's, beside cách chức (Luật Cán bộ, công chức, Đ.78)
}
DISCIPLINE_STATUS = {"da_quyet_dinh": "Đã quyết định", "dang_xem_xet": "Đang xem xét"}
INITIATIVE_LEVELS = {"co_so": "Cơ sở", "tinh": "Tỉnh", "toan_quoc": "Toàn quốc"}


def _choices(labels: dict[str, str], **aliases: str) -> dict[str, str]:
    return {**{v: k for k, v in labels.items()}, **{k: k for k in labels}, **aliases}


# A rating as written, the level's words without «nhiệm vụ» too (the template's own help writes them so)
RATING_WORDS = _choices(RATINGS, **{"Hoàn thành xuất sắc": "HTXSNV", "Hoàn thành tốt": "HTTNV", "Hoàn thành": "HTNV",
                                    "Không hoàn thành": "KHTNV"})

PEOPLE_COLUMNS = (
    Text("Mã cán bộ", "person", help="Mã duy nhất của người", example="CB00001"),
    Text("Họ và tên", "name", example="Nguyễn Thị Hoa", one_line=True),
    Choice("Giới tính", "gender", choices={"Nam": "nam", "Nữ": "nu"}, example="Nữ", help="Nam / Nữ"),
    Day("Ngày sinh", "birth_date", past=True, required=False, example="12/05/1985"),
    Choice("Đối tượng", "category", choices=_choices(CATEGORIES, CB="can_bo", CC="cong_chuc", VC="vien_chuc",
                                                     NLD="nguoi_lao_dong"),
           example="Công chức", help="Cán bộ / Công chức / Viên chức / Người lao động"),
    Text("Chức vụ", "position", example="Chuyên viên", one_line=True),
    Text("Mã đơn vị", "unit", help="Đơn vị công tác trong năm đánh giá", example="SKHCN-VP"),
    Year("Năm đánh giá", "year", past=True),
    Choice("Xếp loại", "rating", choices=RATING_WORDS,
           example="Hoàn thành tốt nhiệm vụ",
           help="Hoàn thành xuất sắc / tốt / Hoàn thành / Không hoàn thành nhiệm vụ (hoặc HTXSNV, HTTNV, HTNV, KHTNV)"),
)


def check_people(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_units(frame, out, "Mã đơn vị")
    case_variants(ctx.people, frame["person"], out, "Mã cán bộ", "mã cán bộ")
    one_value_per(frame, out, "person", {"name": "Họ và tên", "gender": "Giới tính", "birth_date": "Ngày sinh"},
                  "cán bộ", {"gender": {"nam": "Nam", "nu": "Nữ"}})
    _titles_held(ctx, frame, out)
    if pd.api.types.is_datetime64_any_dtype(frame["birth_date"]):  # a birth typed with another year's digits
        age = frame["year"] - frame["birth_date"].dt.year
        least = frame["category"].map(LEAST_AGE)
        out.rows(age.lt(least), "Ngày sinh",
                 lambda pos: f"sinh ngày {frame['birth_date'].iat[pos]:%d/%m/%Y}, năm {int(frame['year'].iat[pos])} "
                             f"{_too_young(frame['category'].iat[pos])}", pd.Series(range(len(frame)), index=frame.index))
        _stored_years_too_young(ctx, frame, out)
        out.rows(age.gt(OLDEST_AGE), "Ngày sinh",
                 lambda pos: f"sinh ngày {frame['birth_date'].iat[pos]:%d/%m/%Y} thì năm {int(frame['year'].iat[pos])} "
                             f"đã {int(age.iat[pos])} tuổi: ngày sinh có sai? (ô ngày mất định dạng trong Excel đọc ra "
                             "các ngày đầu năm 1900)", pd.Series(range(len(frame)), index=frame.index))
    _rated_though_disciplined(ctx, frame, out)
    _code_of_another(ctx, frame, out)
    _another_code_of_one(ctx, frame, out)


def _another_code_of_one(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A new code given to a stored person's name and birth («CB-00002» for CB00002's): one person under two codes,
    their years split between them. Said, not refused: two people may share a name and a birthday."""
    if not pd.api.types.is_datetime64_any_dtype(frame["birth_date"]):
        return
    new = frame[~frame["person"].isin(set(ctx.people)) & frame["birth_date"].notna()]
    if new.empty:
        return
    P = models.Person
    with ctx.reading() as s:
        known = {(fold(name), born): code for code, name, born in in_slices(sorted(set(new["name"])), lambda part: s.execute(
            select(P.code, P.full_name, P.birth_date).where(P.full_name.in_(part), P.birth_date.is_not(None))).all())}
    rows, said = [], []
    for pos, (code, name, born) in enumerate(zip(frame["person"], frame["name"], frame["birth_date"])):
        other = known.get((fold(name), born.date())) if code not in ctx.people and pd.notna(born) else None
        if other is not None and other != code:
            rows.append(out.row_of(pos))
            if len(said) < 3:
                said.append(f"«{code}» cùng tên, ngày sinh với «{other}»")
    if rows:
        out.warn(f"mã cán bộ mới của người đã có? ({'; '.join(said)}): nếu là một người, hãy dùng mã đã có (xếp loại, "
                 "kỷ luật, danh hiệu các năm đi theo mã)", "Mã cán bộ", rows)


def _code_of_another(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A stored code given now with another name and another gender or birth: a code reused for someone else, whose
    earlier years' ratings, discipline and titles would pass to them. Said, not refused: all three may be corrected
    at once; the office checks."""
    stored_codes = sorted(set(frame["person"]) & set(ctx.people))
    if not stored_codes:
        return
    P = models.Person
    with ctx.reading() as s:
        stored = {code: (name, gender, born) for code, name, gender, born in in_slices(stored_codes, lambda part: s.execute(
            select(P.code, P.full_name, P.gender, P.birth_date).where(P.code.in_(part))).all())}
    births = frame["birth_date"] if pd.api.types.is_datetime64_any_dtype(frame["birth_date"]) else None
    rows, said = [], []
    for pos, (code, name, gender) in enumerate(zip(frame["person"], frame["name"], frame["gender"])):
        if code not in stored:
            continue
        was_name, was_gender, was_born = stored[code]
        born = births.iat[pos] if births is not None else pd.NaT
        other_birth = was_born is not None and pd.notna(born) and born.date() != was_born
        if fold(name) != fold(was_name) and (gender != was_gender or other_birth):
            rows.append(out.row_of(pos))
            if len(said) < 3:
                said.append(f"«{code}» là {was_name}{f', sinh {was_born:%d/%m/%Y}' if was_born else ''}")
    if rows:
        out.warn(f"mã cán bộ đã có của người khác ({'; '.join(said)}): dòng này ghi tên, giới tính hoặc ngày sinh khác "
                 "hẳn; nếu là người khác, hãy đặt mã mới (xếp loại, kỷ luật, danh hiệu các năm trước đi theo mã)",
                 "Mã cán bộ", rows)


DISCIPLINED_RATED = "người bị kỷ luật (đã quyết định) trong năm đánh giá xếp loại Không hoàn thành nhiệm vụ"


def _disciplined_though_rated(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """``_rated_though_disciplined`` the other way: a discipline decided in a year the person's stored rating is
    above Không hoàn thành nhiệm vụ."""
    days = frame["decided_on"] if pd.api.types.is_datetime64_any_dtype(frame.get("decided_on")) else None
    decided = frame["status"].eq("da_quyet_dinh") & frame["year"].notna()
    if not decided.any():
        return
    R, P = models.StaffRating, models.Person
    with ctx.reading() as s:
        rated = {(who, year) for who, year, _ in in_slices(
            sorted(set(frame.loc[decided, "person"])), lambda part: s.execute(
                select(P.code, R.year, R.rating).join(P, P.id == R.person_id)
                .where(P.code.in_(part), R.rating != "KHTNV")).all())}
    rows = []
    for pos in np.flatnonzero(decided.to_numpy()):
        day = days.iat[pos] if days is not None else pd.NaT
        if (frame["person"].iat[pos], day.year if pd.notna(day) else int(frame["year"].iat[pos])) in rated:
            rows.append(out.row_of(pos))
    if rows:
        out.warn(DISCIPLINED_RATED + " (xếp loại đã lưu cao hơn cho năm bị kỷ luật); kiểm tra lại xếp loại hoặc kỷ luật",
                 "Mã cán bộ", rows)


def _rated_though_disciplined(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A rating above Không hoàn thành nhiệm vụ for a year the person was disciplined in (decided that year): a
    person disciplined in the year is rated Không hoàn thành nhiệm vụ. Said, not refused: the office checks which of
    the two records is right; the discipline file says the same the other way."""
    rated = frame["rating"].notna() & frame["rating"].ne("KHTNV") & frame["year"].notna()
    if not rated.any():
        return
    D, P = models.Discipline, models.Person
    with ctx.reading() as s:
        decided = {(who, day.year if day else year) for who, year, day in in_slices(
            sorted(set(frame.loc[rated, "person"])), lambda part: s.execute(
                select(P.code, D.year, D.decided_on).join(P, P.id == D.person_id)
                .where(P.code.in_(part), D.status == "da_quyet_dinh")).all())}
    rows = [out.row_of(pos) for pos in np.flatnonzero(rated.to_numpy())
            if (frame["person"].iat[pos], int(frame["year"].iat[pos])) in decided]
    if rows:  # one warning for the file: a year's list may hold many
        out.warn(DISCIPLINED_RATED + " (các dòng này xếp loại cao hơn cho năm người đó bị kỷ luật); kiểm tra lại xếp "
                 "loại hoặc kỷ luật", "Xếp loại", rows)


def _too_young(category: str) -> str:
    return f"chưa đủ {LEAST_AGE[category]} tuổi: {CATEGORIES[category].lower()} {AGE_SOURCE[category]}"


def _stored_years_too_young(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A birth given now against the years the person was rated before (a file that corrects a birth to 2005 had
    left a rating of 2020, at 15, standing)."""
    born = frame[frame["birth_date"].notna()].drop_duplicates("person", keep="last")
    if born.empty:
        return
    R, P = models.StaffRating, models.Person
    with ctx.reading() as s:
        first = dict(in_slices(sorted(born["person"]), lambda part: s.execute(
            select(P.code, func.min(R.year)).join(R, R.person_id == P.id).where(P.code.in_(part))
            .group_by(P.code)).all()))
    for pos, who, day, category in zip(born.index, born["person"], born["birth_date"], born["category"]):
        year = first.get(who)
        if year is not None and category in LEAST_AGE and year - day.year < LEAST_AGE[category]:
            out.add(f"sinh ngày {day:%d/%m/%Y} thì năm {year} (đã xếp loại) «{who}» {_too_young(category)}",
                    out.row_of(frame.index.get_loc(pos)), "Ngày sinh")


def _titles_held(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A rating lowered below what a title decided for that year needs (Lao động tiên tiến, then «Không hoàn thành
    nhiệm vụ»): the awards file refuses the pair one way, the ratings the other."""
    lower = frame["rating"].notna() & ~frame["rating"].isin(("HTXSNV", "HTTNV"))
    short = frame[lower]
    if short.empty:
        return
    A = models.AwardRecord
    with ctx.reading() as s:
        held = {(who, year): (form, number) for who, year, form, number in in_slices(
            sorted(set(short["person"])), lambda part: s.execute(
                select(A.participant, A.year, A.form, A.decision_no).where(
                    A.participant_kind == "ca_nhan", A.participant.in_(part),
                    A.form.in_(list(PERSON_TITLE_NEEDS)))).all())}
    if not held:
        return
    for pos in np.flatnonzero(lower.to_numpy()):
        key = (frame["person"].iat[pos], int(frame["year"].iat[pos]) if frame["year"].iat[pos] == frame["year"].iat[pos]
               else 0)
        rating = frame["rating"].iat[pos]
        if key in held and rating not in PERSON_TITLE_NEEDS[held[key][0]]:
            form, number = held[key]
            label = {"lao_dong_tien_tien": "Lao động tiên tiến", "chien_si_thi_dua_co_so": "Chiến sĩ thi đua cơ sở"}[form]
            out.add(f"«{key[0]}» đã có {label} năm {key[1]} (quyết định {number}), cần xếp loại từ «{RATINGS['HTTNV']}» "
                    f"trở lên, mà dòng này xếp loại «{RATINGS[rating]}»: sửa một trong hai", out.row_of(pos), "Xếp loại")


def load_people(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    units = {code: uid for code, (uid, _) in ctx.units.items()}
    existing = {p.code: p for p in session.scalars(select(models.Person))}
    R = models.StaffRating
    rated = dict(session.execute(select(R.person_id, func.max(R.year)).group_by(R.person_id)).all())
    left = left_out(frame)
    latest = frame.sort_values("year").drop_duplicates("person", keep="last")
    added = 0
    for row in latest.itertuples(index=False):
        person = existing.get(row.person)
        if person is None:
            person = existing[row.person] = models.Person(code=row.person)
            added += 1
        person.full_name, person.gender = row.name, row.gender
        # where and as what a person works now is their latest year's: a corrected earlier year does not move them
        if person.id is None or int(row.year) >= rated.get(person.id, 0):
            person.category, person.position, person.unit_id = row.category, row.position, units[row.unit]
        person.batch_id = batch_id
        assign(person, {"birth_date": None if pd.isna(row.birth_date) else row.birth_date.date()}, left)
        session.add(person)
    session.flush()
    ratings = {(r.person_id, r.year): r for r in session.scalars(select(models.StaffRating))}
    for row in frame.itertuples(index=False):
        key = (existing[row.person].id, int(row.year))
        rating = ratings.get(key) or models.StaffRating(person_id=key[0], year=key[1])
        rating.rating, rating.unit_id, rating.position, rating.batch_id = (
            row.rating, units[row.unit], row.position, batch_id)
        session.add(rating)
    session.flush()
    return {"người mới": added, "lượt xếp loại": len(frame)}


DISCIPLINE_COLUMNS = (
    Text("Mã cán bộ", "person", example="CB00001"),
    Year("Năm", "year", past=True),
    Choice("Hình thức kỷ luật", "form", choices=_choices(DISCIPLINE_FORMS), example="Khiển trách",
           help=" / ".join(DISCIPLINE_FORMS.values())),
    Choice("Trạng thái", "status", choices=_choices(DISCIPLINE_STATUS), example="Đã quyết định",
           help="Đã quyết định / Đang xem xét (đang xem xét kỷ luật thì chưa được khen thưởng)"),
    Text("Số quyết định", "decision_no", required=False, example="15/QĐ-SKHCN"),
    Day("Ngày quyết định", "decided_on", past=True, required=False, example="20/10/2024"),
)


# The forms of discipline each kind of staff may be given: cán bộ (Luật Cán bộ, công chức Đ.78), công chức (Đ.79),
# viên chức (Luật Viên chức Đ.52); a worker's (Bộ luật Lao động Đ.124) are named otherwise and not checked.
FORMS_FOR = {"can_bo": {"khien_trach", "canh_cao", "cach_chuc", "bai_nhiem"},
             "cong_chuc": {"khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc", "buoc_thoi_viec"},
             "vien_chuc": {"khien_trach", "canh_cao", "cach_chuc", "buoc_thoi_viec"}}
FORMS_SOURCE = {"can_bo": "Luật Cán bộ, công chức Đ.78", "cong_chuc": "Luật Cán bộ, công chức Đ.79",
                "vien_chuc": "Luật Viên chức Đ.52"}


def _forms_of_category(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A form the law does not give the person's kind of staff (Giáng chức for a viên chức, Bãi nhiệm for a công
    chức): a slip of the form, or of the person."""
    with ctx.reading() as s:
        kinds = dict(in_slices(sorted(set(frame["person"])), lambda part: s.execute(
            select(models.Person.code, models.Person.category).where(models.Person.code.in_(part))).all()))
    for pos, (who, form) in enumerate(zip(frame["person"], frame["form"])):
        category = kinds.get(who)
        if category in FORMS_FOR and form and form not in FORMS_FOR[category]:
            allowed = ", ".join(DISCIPLINE_FORMS[f] for f in DISCIPLINE_FORMS if f in FORMS_FOR[category])
            out.add(f"«{DISCIPLINE_FORMS.get(form, form)}» không phải hình thức kỷ luật {CATEGORIES[category].lower()} "
                    f"({FORMS_SOURCE[category]}: {allowed}); «{who}» là {CATEGORIES[category].lower()}",
                    out.row_of(pos), "Hình thức kỷ luật")


def decision_key(number: str) -> str:
    """A decision's number as it is told apart: «15/QĐ-SNV», «15/qđ-snv», «15/QD-SNV » and «15/QÐ-SNV» are one."""
    return "".join(fold(number).replace("ð", "d").split())


def _decision_year(frame: pd.DataFrame) -> pd.Series:
    """The year a decision's number belongs to: numbers start again each year (NĐ 30/2020/NĐ-CP), so «15/QĐ-SNV» of
    2022 and of 2024 are two decisions. Its day's year, or the discipline's year when the day is not given."""
    days = frame["decided_on"] if "decided_on" in frame else pd.Series(pd.NaT, index=frame.index)
    return days.dt.year.fillna(frame["year"]).astype("Int64") if pd.api.types.is_datetime64_any_dtype(days) \
        else frame["year"].astype("Int64")


def check_disciplines(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_people(frame, out, "Mã cán bộ")
    _forms_of_category(ctx, frame, out)
    _disciplined_though_rated(ctx, frame, out)
    decided = frame["status"].eq("da_quyet_dinh")
    out.rows(decided & frame["decision_no"].eq(""), "Số quyết định", "kỷ luật đã quyết định phải có số quyết định")
    numbered = frame[frame["decision_no"].ne("")]
    twice = numbered.groupby([numbered["person"], numbered["decision_no"].map(decision_key),
                              _decision_year(numbered)])["form"].transform("nunique").gt(1)
    out.rows(frame.index.isin(numbered.index[twice.to_numpy()]), "Hình thức kỷ luật",
             lambda v: f"quyết định «{v}» ghi hai hình thức kỷ luật cho một người: mỗi quyết định một hình thức",
             frame["decision_no"])
    # A case under consideration has no decision yet: with one, it is decided, and which it is decides the awards
    # (under consideration: none yet; decided: none this year).
    pending = frame["status"].eq("dang_xem_xet")
    out.rows(pending & frame["decision_no"].ne(""), "Số quyết định",
             lambda v: f"kỷ luật đang xem xét chưa có quyết định, mà dòng này ghi số quyết định «{v}» (đã quyết định thì "
                       "ghi trạng thái «Đã quyết định»)", frame["decision_no"])
    if "decided_on" in frame and pd.api.types.is_datetime64_any_dtype(frame["decided_on"]):
        out.rows(pending & frame["decided_on"].notna(), "Ngày quyết định",
                 lambda v: f"kỷ luật đang xem xét chưa có quyết định, mà dòng này ghi ngày quyết định {v:%d/%m/%Y}",
                 frame["decided_on"])
        # a discipline counts for the year of its decision, or of its breach when decided early the next year: a
        # decision before that year is an earlier year's discipline
        early = frame["decided_on"].dt.year.lt(frame["year"])
        out.rows(early, "Ngày quyết định",
                 lambda pos: f"quyết định ngày {frame['decided_on'].iat[pos]:%d/%m/%Y} là trước năm kỷ luật "
                             f"{int(frame['year'].iat[pos])}: kỷ luật đó thuộc năm {frame['decided_on'].iat[pos].year}",
                 pd.Series(range(len(frame)), index=frame.index))


def load_disciplines(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    D = models.Discipline
    rows, left = len(frame), left_out(frame)
    # A case the file lists both under consideration and decided (its history, in either order) is decided: the
    # row under consideration would otherwise stay open beside the decision, or reopen it, by the rows' order.
    case = ["person", "year", "form"]
    decided_cases = frame.loc[frame["status"].eq("da_quyet_dinh"), case].drop_duplicates()
    closed = frame[case].merge(decided_cases, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    frame = frame[~(closed & frame["status"].eq("dang_xem_xet").to_numpy())]
    keys = [(ctx.people[r.person], int(r.year), r.form, r.decision_no) for r in frame.itertuples(index=False)]
    existing = {(d.person_id, d.year, d.form, d.decision_no): d for d in in_slices(keys, lambda part: session.scalars(
        select(D).where(tuple_(D.person_id, D.year, D.form, D.decision_no).in_(part))))}
    # A decision closes the case that was under consideration for the same person, year and form: the pending
    # row becomes the decided one rather than staying open beside it.
    people = sorted({k[0] for k in keys})
    pending = {(d.person_id, d.year, d.form): d for d in in_slices(people, lambda part: session.scalars(
        select(D).where(D.person_id.in_(part), D.status == "dang_xem_xet")))}
    # One decision imposes one form: a decision stored with another form is corrected, not a second discipline
    # beside it (a stale Cảnh cáo bars the person's collective).
    decided = {(d.person_id, d.year, decision_key(d.decision_no)): d for d in in_slices(
        people, lambda part: session.scalars(select(D).where(D.person_id.in_(part), D.decision_no != "")))}
    for key, row in zip(keys, frame.itertuples(index=False)):
        rec = existing.get(key)
        if rec is None and key[3] and (rec := decided.get((key[0], key[1], decision_key(key[3])))) is not None:
            rec.form, rec.decision_no = key[2], key[3]  # the decision as written now
        if rec is None and row.status == "da_quyet_dinh":
            rec = pending.pop(key[:3], None)
            if rec is not None:
                rec.decision_no = key[3]
        rec = rec or D(person_id=key[0], year=key[1], form=key[2], decision_no=key[3])
        rec.status, rec.batch_id = row.status, batch_id
        assign(rec, {"decided_on": None if pd.isna(row.decided_on) else row.decided_on.date()}, left)
        session.add(rec)
    session.flush()
    return {"bản ghi kỷ luật": rows}


INITIATIVE_COLUMNS = (
    Text("Mã sáng kiến", "code", example="SK-2024-001"),
    Text("Tên sáng kiến", "title", example="Số hóa quy trình tiếp nhận hồ sơ đăng ký mã số mã vạch", one_line=True),
    Text("Mã cán bộ", "person", help="Tác giả (mỗi dòng một tác giả chính)", example="CB00001"),
    Year("Năm công nhận", "year", past=True),
    Choice("Cấp công nhận", "level", choices=_choices(INITIATIVE_LEVELS, **{"Cấp cơ sở": "co_so", "Cấp tỉnh": "tinh"}),
           example="Cơ sở", help="Cơ sở / Tỉnh / Toàn quốc"),
    Text("Số quyết định công nhận", "decision_no", required=False, example="102/QĐ-SKHCN"),
)


def check_initiatives(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """Beside the people named: an initiative an award rests on, sent again as recognised after that award's year,
    or as another person's (the award would rest on someone else's initiative; the awards file refuses the pair the
    other way)."""
    ctx.unknown_people(frame, out, "Mã cán bộ")
    with ctx.reading() as s:  # «sk2» beside «SK2»: the same initiative again, which could back a second award
        case_variants(s.scalars(select(models.Initiative.code)).all(), frame["code"], out, "Mã sáng kiến",
                      "mã sáng kiến")
    rested = {}
    with ctx.reading() as s:
        for A in (models.AwardRecord, models.Award):
            for year, codes, number, who in s.execute(select(A.year, A.initiatives, A.decision_no, A.participant)
                                                      .where(A.initiatives != "", A.participant_kind == "ca_nhan")):
                for code in codes.split(","):  # as the awards store them (store.ingest.awards.load_awards)
                    rested.setdefault(code, (year, number, who))
    for pos, (code, year, person) in enumerate(zip(frame["code"], frame["year"], frame["person"])):
        if code not in rested:
            continue
        awarded, number, who = rested[code]
        if year == year and int(year) > awarded:
            out.add(f"sáng kiến «{code}» là căn cứ của khen thưởng năm {awarded} (quyết định {number}): "
                    f"không thể được công nhận sau đó, năm {int(year)}", out.row_of(pos), "Năm công nhận")
        elif person and person != who:
            out.add(f"sáng kiến «{code}» là căn cứ của khen thưởng năm {awarded} cho «{who}» (quyết định {number}): "
                    f"không thể là sáng kiến của «{person}»", out.row_of(pos), "Mã cán bộ")


def load_initiatives(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    existing = {i.code: i for i in in_slices(frame["code"], lambda part: session.scalars(
        select(models.Initiative).where(models.Initiative.code.in_(part))))}
    left = left_out(frame)
    for row in frame.itertuples(index=False):
        rec = existing.get(row.code) or models.Initiative(code=row.code)
        rec.title, rec.person_id, rec.year = row.title, ctx.people[row.person], int(row.year)
        rec.level, rec.batch_id = row.level, batch_id
        assign(rec, {"decision_no": row.decision_no}, left)
        session.add(rec)
    session.flush()
    return {"sáng kiến": len(frame)}


PEOPLE = Kind("can_bo", "Cán bộ, công chức, viên chức và xếp loại hằng năm", PEOPLE_COLUMNS, ("person", "year"),
              check_people, load_people,
              notes=("Mỗi dòng là một người trong một năm đánh giá; nhiều năm thì nhiều dòng.",
                     "Đơn vị, chức vụ hiện tại của người lấy theo năm mới nhất."))
DISCIPLINES = Kind("ky_luat", "Kỷ luật", DISCIPLINE_COLUMNS, ("person", "year", "form", "decision_no"),
                   check_disciplines, load_disciplines, blank_in_key=("decision_no",),
                   notes=("Người bị kỷ luật phải có trong danh sách cán bộ.",))
INITIATIVES = Kind("sang_kien", "Sáng kiến được công nhận", INITIATIVE_COLUMNS, ("code",),
                   check_initiatives, load_initiatives,
                   notes=("Mỗi sáng kiến chỉ được dùng làm căn cứ cho một hình thức khen thưởng.",))
