"""Inspection results (kết quả kiểm tra CCHC): per finding, the unit, the day of the visit, the criterion,
what was found, what is recommended and by when; optionally the appraisal points the finding sets for that
criterion in the year's score (with the finding as its reason)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from base.rule_uses import family
from base.unit_kinds import UNIT_KINDS
from base.vn import number
from rules.ruleset import NoRuleSetInForce, RuleSet, RuleSetError, choose
from store import calendar, models
from store.appraisals import finding_appraisal
from store.ingest.columns import Day, Number, Text, Year
from store.ingest.kind import Context, Kind, left_out
from store.ingest.problems import Collector

COLUMNS = (
    Year("Năm kiểm tra", "year", past=True, help="Năm của kế hoạch kiểm tra"),
    Text("Mã đơn vị", "unit", example="SXD"),
    Day("Ngày kiểm tra", "visited_on", past=True, example="12/06/2024"),
    Text("Tiêu chí", "criterion", required=False, example="1.3", help="Mã tiêu chí (lá) của bộ tiêu chí chấm điểm"),
    Text("Tồn tại, hạn chế", "text", example="Chưa công khai đầy đủ TTHC tại Bộ phận Một cửa"),
    Text("Kiến nghị", "recommendation", example="Niêm yết đầy đủ 100% TTHC tại Bộ phận Một cửa"),
    Day("Thời hạn khắc phục", "deadline", example="30/09/2024"),
    Text("Bộ tiêu chí", "ruleset", required=False, example=family("units"),
         help="Mã hoặc họ bộ tiêu chí (chọn bộ có hiệu lực năm kiểm tra); để trống nếu không điều chỉnh điểm; cần "
              "khi có «Điểm thẩm định»"),
    Number("Điểm thẩm định", "points", required=False, example="2",
           help="Điểm của tiêu chí sau kiểm tra; để trống nếu giữ điểm tự đánh giá (gửi lại để trống thì bỏ điểm "
                "thẩm định đã ghi từ phát hiện này)"),
)


def add_finding(session: Session, year: int, unit: str, visited_on: date, criterion: str, text: str,
                recommendation: str, deadline: date, ruleset: RuleSet | None = None, points: float | None = None,
                appraiser: str = "Đoàn kiểm tra", now: datetime | None = None, appraised: bool = True,
                listed: frozenset[tuple[str, str]] = frozenset()) -> models.Finding:
    """A finding of the year's inspection of a unit (an inspection outside the plan is recorded too); with
    ``points``, the appraisal of ``criterion`` in the year's score, the finding as its reason. The same finding
    (criterion and text) recorded again, as a corrected file does, is that finding with the later recommendation
    and deadline, its remedy kept: it had become a second finding, followed up twice. So is the same text recorded
    under another criterion, when the visit holds it under one criterion only and ``listed`` (the criterion and
    text of every finding the same file gives for this visit) does not name that one too: its criterion corrected,
    the appraisal it set there withdrawn (it had counted beside the new one, the unit losing points twice).
    ``appraised``: False when the file has no column of points, whose appraisals are then left as they are."""
    unit_id = session.scalar(select(models.Unit.id).where(models.Unit.code == unit))
    if unit_id is None:
        raise ValueError(f"không có đơn vị «{unit}»")
    visit = session.scalar(select(models.Inspection).where(models.Inspection.year == year,
                                                           models.Inspection.unit_id == unit_id))
    if visit is None:
        visit = models.Inspection(year=year, unit_id=unit_id, month=visited_on.month, risk=0.0,
                                  reason="kiểm tra ngoài kế hoạch")
        session.add(visit)
    visit.visited_on = visited_on
    session.flush()
    F = models.Finding
    finding = session.scalar(select(F).where(F.inspection_id == visit.id, F.criterion == criterion,
                                             F.text == text.strip()).order_by(F.id).limit(1))
    if finding is None:
        elsewhere = [f for f in session.scalars(select(F).where(F.inspection_id == visit.id, F.text == text.strip(),
                                                                F.criterion != criterion))
                     if (f.criterion, f.text) not in listed]
        if len(elsewhere) == 1:
            finding = elsewhere[0]
            finding.criterion = criterion
    if finding is None:
        finding = F(inspection_id=visit.id, criterion=criterion, text=text.strip())
        session.add(finding)
    finding.recommendation, finding.deadline = recommendation.strip(), deadline
    session.flush()
    if not appraised:
        return finding
    said = f"Kết luận kiểm tra ngày {visited_on:%d/%m/%Y}: {text.strip()}"
    if points is None:
        said += " (bỏ điểm thẩm định, giữ điểm tự đánh giá)"
    finding_appraisal(session, finding.id, f"{year}-NAM", unit, criterion, ruleset, points, said, appraiser, now=now)
    return finding


def check(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_units(frame, out, "Mã đơn vị")
    out.rows(frame["deadline"] < frame["visited_on"], "Thời hạn khắc phục", "thời hạn khắc phục trước ngày kiểm tra")
    out.rows(frame["visited_on"].dt.year != frame["year"], "Ngày kiểm tra",
             lambda v: f"ngày kiểm tra {v:%d/%m/%Y} không thuộc năm kiểm tra", frame["visited_on"])
    _one_visit_day(frame, out)
    _stored_visit_day(ctx, frame, out)
    scored = frame["points"].notna()
    out.rows(scored & frame["ruleset"].eq(""), "Bộ tiêu chí", "có điểm thẩm định thì phải ghi bộ tiêu chí")
    out.rows(scored & frame["criterion"].eq(""), "Tiêu chí", "có điểm thẩm định thì phải ghi tiêu chí")
    # A rule set named without points is checked all the same: a slip in its name would stay in the store unseen.
    named = frame.loc[frame["ruleset"].ne(""), ["ruleset", "year"]].drop_duplicates()
    # each row's kind of unit, None for a unit not in the catalogue (refused as such); a list, where a Series mapped
    # beside known units had made it NaN, taken for a kind
    kinds = [ctx.units.get(u, (None, None))[1] for u in frame["unit"]]
    for name, year in named.itertuples(index=False):
        rows = frame["ruleset"].eq(name) & frame["year"].eq(year)
        try:
            chosen = _chosen(name, year)
            leaves = {leaf.id: leaf.max for leaf in chosen.leaves}
        except NoRuleSetInForce as e:
            out.rows(rows, "Bộ tiêu chí", str(e))
            continue
        except (KeyError, FileNotFoundError, RuleSetError, ValueError):
            out.rows(rows, "Bộ tiêu chí", f"không có bộ tiêu chí «{name}» (xem «cchc rules list»)")
            continue
        known = frame["criterion"].isin(list(leaves))
        out.rows(rows & frame["criterion"].ne("") & ~known, "Tiêu chí",
                 lambda v: f"bộ tiêu chí «{name}» không có tiêu chí «{v}»", frame["criterion"])
        top = frame["criterion"].map(leaves)
        out.rows(rows & scored & known & (frame["points"] > top), "Điểm thẩm định",
                 lambda v: f"điểm thẩm định {number(v, 6)} vượt điểm tối đa của tiêu chí", frame["points"])
        # points for a unit the rule set (or the criterion) does not score had been written, never to count
        applies = {leaf.id: leaf.applies_to or chosen.applies_to for leaf in chosen.leaves}
        outside = pd.Series([bool(applies.get(c)) and k is not None and k not in applies[c]
                             for c, k in zip(frame["criterion"], kinds)], index=frame.index)
        out.rows(rows & scored & known & outside, "Mã đơn vị",
                 lambda v: f"bộ tiêu chí «{name}» không chấm tiêu chí này cho đơn vị «{v}» "
                           f"({UNIT_KINDS.get(ctx.units[v][1], ctx.units[v][1])})", frame["unit"])
    # two points for one criterion of one unit: which would hold depended on the rows' order
    points_key = frame.loc[scored, ["year", "unit", "criterion", "ruleset"]]
    first = points_key.reset_index(drop=False).groupby(["year", "unit", "criterion", "ruleset"])["index"].transform("min")
    twice = pd.Series(False, index=frame.index)
    twice[points_key.index] = first.to_numpy() != points_key.index.to_numpy()
    out.rows(twice, "Điểm thẩm định", lambda pos: f"tiêu chí này của đơn vị đã có điểm thẩm định ở dòng "
                                                  f"{out.row_of(frame.index.get_loc(pos))}: mỗi tiêu chí một điểm",
             pd.Series(first.to_numpy(), index=points_key.index).reindex(frame.index))


def _one_visit_day(frame: pd.DataFrame, out: Collector) -> None:
    """A unit's inspection of a year has one day: two in a file had left the visit dated by the row written last."""
    visits = frame[["year", "unit"]].astype(str).agg("|".join, axis=1)
    first = pd.Series(range(len(frame)), index=frame.index).groupby(visits.to_numpy()).transform("first")
    days = frame["visited_on"]
    at_first = days.to_numpy()[first.to_numpy()]
    differs = days.notna() & pd.notna(at_first) & days.ne(at_first)
    for pos in differs.to_numpy().nonzero()[0]:
        head = int(first.iat[pos])
        out.add(f"ngày kiểm tra {days.iat[pos]:%d/%m/%Y} khác ngày {days.iat[head]:%d/%m/%Y} ở dòng {out.row_of(head)} của "
                f"cùng đợt kiểm tra đơn vị «{frame['unit'].iat[pos]}» năm {int(frame['year'].iat[pos])}: mỗi đợt một ngày "
                "kiểm tra (kiểm tra nhiều ngày thì ghi ngày đầu)", out.row_of(pos), "Ngày kiểm tra")


def _stored_visit_day(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A visit already stored on another day: the file's day becomes the visit's, for every finding of it, those of
    earlier files too. Said, with the day it had: a later file of another team's findings had moved the day of
    the first without a word."""
    visits = frame[frame["visited_on"].notna() & frame["year"].notna()].drop_duplicates(["year", "unit"])
    if visits.empty:
        return
    I, U = models.Inspection, models.Unit
    with ctx.reading() as s:
        stored = {(year, code): day for year, code, day in s.execute(
            select(I.year, U.code, I.visited_on).join(U, U.id == I.unit_id)
            .where(I.visited_on.is_not(None), I.year.in_({int(y) for y in visits["year"]})))}
    for pos, year, unit, day in zip(visits.index, visits["year"], visits["unit"], visits["visited_on"]):
        was = stored.get((int(year), unit))
        if was is not None and was != day.date():
            out.warn(f"đợt kiểm tra đơn vị «{unit}» năm {int(year)} đã có ngày kiểm tra {was:%d/%m/%Y}; tệp này ghi "
                     f"{day:%d/%m/%Y}: ngày của đợt (mọi phát hiện của đợt, cả những phát hiện đã nhập) được sửa thành "
                     f"{day:%d/%m/%Y}", "Ngày kiểm tra", [out.row_of(frame.index.get_loc(pos))])


def _chosen(name: str, year) -> RuleSet:
    """A rule set named in a row: by id, or by family as in force at the end of the inspection year."""
    return choose(name, calendar.year_window(int(year)).end)


def load(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    when = datetime.now().replace(microsecond=0)
    appraised = "points" not in left_out(frame)
    listed: dict[tuple[int, str], set[tuple[str, str]]] = {}
    for year, unit, criterion, text in zip(frame["year"], frame["unit"], frame["criterion"], frame["text"]):
        listed.setdefault((int(year), unit), set()).add((criterion, text.strip()))
    for r in frame.itertuples(index=False):
        scored = not pd.isna(r.points)
        add_finding(session, int(r.year), r.unit, r.visited_on.date(), r.criterion, r.text, r.recommendation,
                    r.deadline.date(), _chosen(r.ruleset, r.year) if scored else None, float(r.points) if scored else None,
                    now=when, appraised=appraised, listed=frozenset(listed[(int(r.year), r.unit)]))
    adjusted = int(frame["points"].notna().sum())
    return {"phát hiện kiểm tra": len(frame), "điểm thẩm định điều chỉnh": adjusted}


KIND = Kind("ket_qua_kiem_tra", "Kết quả kiểm tra CCHC", COLUMNS, ("year", "unit", "criterion", "text"), check, load,
            blank_in_key=("criterion",),
            notes=("Mỗi dòng một tồn tại, hạn chế phát hiện khi kiểm tra. Đơn vị chưa có trong kế hoạch kiểm tra "
                   "được ghi là kiểm tra ngoài kế hoạch.",
                   "Có «Điểm thẩm định» thì điểm của tiêu chí trong kết quả chấm điểm năm được điều chỉnh, "
                   "lý do là kết luận kiểm tra."))
