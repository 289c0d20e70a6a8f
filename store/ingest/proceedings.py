"""Matters that hold a person's or a collective's awards back while open (NĐ 152/2025 Đ.4), and accepted
research topics, which count for Chiến sĩ thi đua cơ sở (Luật TĐKT 2022 Đ.23)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from store import models
from store.ingest.bulk import in_slices
from store.ingest.columns import Choice, Day, Text, Year
from store.ingest.kind import Context, Kind, assign, left_out, one_value_per
from store.ingest.problems import Collector

PROCEEDING_KINDS = {
    "xem_xet_ky_luat": "Đang xem xét kỷ luật",
    "dieu_tra": "Điều tra",
    "thanh_tra": "Thanh tra, kiểm tra",
    "khieu_nai_to_cao": "Xác minh khiếu nại, tố cáo",
}
TOPIC_LEVELS = {"co_so": "Cơ sở", "tinh": "Tỉnh", "bo": "Bộ, ngành", "quoc_gia": "Quốc gia"}


def _choices(labels: dict[str, str], **aliases: str) -> dict[str, str]:
    return {**{v: k for k, v in labels.items()}, **{k: k for k in labels}, **aliases}


PROCEEDING_COLUMNS = (
    Text("Mã cán bộ", "person", required=False, limit=50, example="CB00001",
         help="Cán bộ liên quan; để trống khi vụ việc là của tập thể (ghi cột «Mã tập thể»)"),
    Text("Mã tập thể", "unit", required=False, limit=50, example="",
         help="Đơn vị, phòng là đối tượng thanh tra, điều tra, khiếu nại (vụ việc của tập thể); để trống với vụ "
              "việc của cá nhân. Cột này có thể bỏ khỏi tệp"),
    Choice("Loại vụ việc", "kind", example="Điều tra",
           choices=_choices(PROCEEDING_KINDS, **{"Xem xét kỷ luật": "xem_xet_ky_luat", "Kỷ luật": "xem_xet_ky_luat",
                                                 "Thanh tra": "thanh_tra", "Kiểm tra": "thanh_tra",
                                                 "Khiếu nại": "khieu_nai_to_cao", "Tố cáo": "khieu_nai_to_cao",
                                                 "Khiếu nại, tố cáo": "khieu_nai_to_cao"}),
           help=" / ".join(PROCEEDING_KINDS.values())),
    Day("Ngày bắt đầu", "opened_on", past=True, example="15/09/2024", help="Ngày mở vụ việc (quyết định thanh tra, thụ lý …)"),
    Day("Ngày kết thúc", "closed_on", past=True, required=False, example="",
        help="Để trống khi vụ việc còn đang mở; nhập lại dòng cùng cán bộ, loại và ngày bắt đầu để ghi ngày kết thúc"),
    Text("Kết quả", "outcome", required=False, limit=500, example="Không có vi phạm",
         help="Kết luận khi kết thúc (kỷ luật nếu có thì nhập ở tệp kỷ luật)"),
)


def check_proceedings(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    person, unit = frame["person"].ne(""), frame["unit"].ne("")
    out.rows(person & unit, "Mã tập thể", "một dòng là vụ việc của một cán bộ hoặc của một tập thể, không phải cả hai")
    out.rows(~person & ~unit, "Mã cán bộ", "cần mã cán bộ (vụ việc của cá nhân) hoặc mã tập thể (vụ việc của tập thể)")
    ctx.unknown_people(frame, out, "Mã cán bộ")
    ctx.unknown_units(frame, out, "Mã tập thể")
    # A collective's row has no person, so the kind's key (person, kind, opening date) does not see its repeats.
    positions = pd.Series(range(len(frame)), index=frame.index)
    mine = (unit & ~person).to_numpy()
    keys = frame.loc[mine, ["unit", "kind", "opened_on"]].assign(pos=positions[mine])
    first = positions.copy()
    first[mine] = keys.groupby(["unit", "kind", "opened_on"])["pos"].transform("min").to_numpy()
    out.rows(first.ne(positions), "Mã tập thể",
             lambda pos: f"trùng khóa (Mã tập thể, Loại vụ việc, Ngày bắt đầu) với dòng {out.row_of(pos)}", first)
    backwards = frame["closed_on"].notna() & frame["opened_on"].notna() & (frame["closed_on"] < frame["opened_on"])
    out.rows(backwards, "Ngày kết thúc", lambda v: f"ngày kết thúc {v:%d/%m/%Y} trước ngày bắt đầu",
             frame["closed_on"])
    out.rows(frame["closed_on"].isna() & frame["outcome"].ne(""), "Kết quả",
             "có kết quả nhưng chưa có ngày kết thúc")
    _left_open(ctx, frame, out)


def _left_open(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A matter sent again with its start date corrected is a second matter: the first stays open, and holds the
    person's awards back with nothing to close it. Each row beside another open matter of the same subject and kind
    that leaves its matter open is pointed out, with the other's start date and how to close it."""
    dated = frame["opened_on"].notna().to_numpy()
    frame = frame[dated]
    if frame.empty:
        return
    subject = frame["person"].where(frame["person"].ne(""), "@" + frame["unit"])
    sent = pd.DataFrame({"subject": subject, "kind": frame["kind"], "opened": frame["opened_on"].dt.date,
                         "open": frame["closed_on"].isna(), "pos": dated.nonzero()[0]})
    with ctx.reading() as s:
        stored = [(p, k, o) for p, k, o in s.execute(
            select(models.Person.code, models.Proceeding.kind, models.Proceeding.opened_on)
            .join(models.Person, models.Person.id == models.Proceeding.person_id)
            .where(models.Proceeding.closed_on.is_(None)))]
        stored += [("@" + u, k, o) for u, k, o in s.execute(
            select(models.Unit.code, models.UnitProceeding.kind, models.UnitProceeding.opened_on)
            .join(models.Unit, models.Unit.id == models.UnitProceeding.unit_id)
            .where(models.UnitProceeding.closed_on.is_(None)))]
    this_file = {(r.subject, r.kind, r.opened): r.open for r in sent.itertuples(index=False)}  # the last row holds
    still = {key for key in stored if this_file.get(key, True)} | {key for key, held in this_file.items() if held}
    beside: dict[tuple, set] = {}
    for subject_, kind, opened in still:
        beside.setdefault((subject_, kind), set()).add(opened)
    told: dict[str, list[int]] = {}
    for r in sent[sent["open"]].itertuples(index=False):
        for other in sorted(beside.get((r.subject, r.kind), set()) - {r.opened}):
            told.setdefault(f"{other:%d/%m/%Y}", []).append(out.row_of(r.pos))
    for day, rows in told.items():
        out.warn(f"còn một vụ việc cùng loại của cùng cán bộ (tập thể) mở ngày {day}, chưa kết thúc: nếu {day} là "
                 f"ngày bắt đầu nhập nhầm, nhập lại dòng có ngày bắt đầu {day} kèm ngày kết thúc để kết thúc vụ việc "
                 "đó (vụ việc còn mở thì chưa được khen thưởng)", "Ngày bắt đầu", sorted(set(rows)))


def load_proceedings(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    """The latest row of a person (or a collective), kind and opening date is the matter's state: a later one
    closes (or reopens) it."""
    people = frame[frame["person"].ne("")]
    units = frame[frame["person"].eq("")]
    closed = _matters(session, models.Proceeding, "person_id", [ctx.people[c] for c in people["person"]], people,
                      batch_id)
    closed += _matters(session, models.UnitProceeding, "unit_id", [ctx.units[c][0] for c in units["unit"]], units,
                       batch_id)
    done = {"vụ việc": len(frame), "vụ việc đã kết thúc": closed}
    if len(units):
        done["vụ việc của tập thể"] = len(units)
    return done


def _matters(session: Session, model, subject: str, ids: list[int], frame: pd.DataFrame, batch_id: int) -> int:
    column = getattr(model, subject)
    keys = [(i, r.kind, r.opened_on.date()) for i, r in zip(ids, frame.itertuples(index=False))]
    if not keys:
        return 0
    existing = {(getattr(p, subject), p.kind, p.opened_on): p for p in in_slices(keys, lambda part: session.scalars(
        select(model).where(tuple_(column, model.kind, model.opened_on).in_(part))))}
    closed = 0
    for key, row in zip(keys, frame.itertuples(index=False)):
        rec = existing.get(key) or model(**{subject: key[0]}, kind=key[1], opened_on=key[2])
        assign(rec, {"closed_on": None if pd.isna(row.closed_on) else row.closed_on.date(), "outcome": row.outcome},
               left_out(frame))
        rec.batch_id = batch_id
        closed += rec.closed_on is not None
        session.add(rec)
    session.flush()
    return closed


TOPIC_COLUMNS = (
    Text("Mã đề tài", "code", limit=50, example="ĐT-2024-01"),
    Text("Tên đề tài", "title", limit=500, example="Nghiên cứu ứng dụng chữ ký số trong xử lý hồ sơ"),
    Text("Mã cán bộ", "person", limit=50, example="CB00001", help="Chủ nhiệm hoặc thành viên chính (mỗi dòng một người)"),
    Year("Năm nghiệm thu", "year", past=True),
    Choice("Cấp đề tài", "level", choices=_choices(TOPIC_LEVELS, **{"Cấp cơ sở": "co_so", "Cấp tỉnh": "tinh",
                                                                    "Cấp bộ": "bo", "Cấp quốc gia": "quoc_gia"}),
           example="Cơ sở", help=" / ".join(TOPIC_LEVELS.values())),
)


def check_topics(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_people(frame, out, "Mã cán bộ")
    one_value_per(frame, out, "code", {"title": "Tên đề tài", "year": "Năm nghiệm thu", "level": "Cấp đề tài"},
                  "đề tài", {"level": TOPIC_LEVELS})


def load_topics(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    T = models.ResearchTopic
    keys = [(r.code, ctx.people[r.person]) for r in frame.itertuples(index=False)]
    existing = {(t.code, t.person_id): t for t in in_slices(keys, lambda part: session.scalars(
        select(T).where(tuple_(T.code, T.person_id).in_(part))))}
    for key, row in zip(keys, frame.itertuples(index=False)):
        rec = existing.get(key) or T(code=key[0], person_id=key[1])
        rec.title, rec.year, rec.level, rec.batch_id = row.title, int(row.year), row.level, batch_id
        session.add(rec)
    # A topic's title, year and level are its own, whoever of its members a later file names: they are corrected
    # for its members stored before too (one code had become two topics).
    topics = frame.drop_duplicates("code").set_index("code")
    for rec in in_slices(list(topics.index), lambda part: session.scalars(select(T).where(T.code.in_(part)))):
        given = topics.loc[rec.code]
        rec.title, rec.year, rec.level = given["title"], int(given["year"]), given["level"]
    session.flush()
    return {"đề tài nghiệm thu": len(frame)}


PROCEEDINGS = Kind("vu_viec", "Vụ việc đang xem xét kỷ luật, điều tra, thanh tra, khiếu nại, tố cáo",
                   PROCEEDING_COLUMNS, ("person", "kind", "opened_on"), check_proceedings, load_proceedings,
                   notes=("Khi vụ việc còn mở, người đó (hoặc tập thể đó) chưa được khen thưởng (NĐ 152/2025/NĐ-CP "
                          "Điều 4).",
                          "Vụ việc của tập thể (đơn vị, phòng bị thanh tra, điều tra, khiếu nại): để trống mã cán bộ, "
                          "ghi mã tập thể.",
                          "Vụ việc kết thúc: nhập lại dòng cùng cán bộ (hoặc tập thể), loại vụ việc, ngày bắt đầu, kèm "
                          "ngày kết thúc và kết quả."))
TOPICS = Kind("de_tai", "Đề tài, đề án khoa học được nghiệm thu", TOPIC_COLUMNS, ("code", "person"),
              check_topics, load_topics,
              notes=("Đề tài được nghiệm thu trong năm là một căn cứ xét Chiến sĩ thi đua cơ sở (Luật TĐKT 2022 "
                     "Đ.23).",))
