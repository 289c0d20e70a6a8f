"""Emulation decisions and ratings recorded as files: titles and award forms decided (for a person or a
collective) and collectives' own yearly ratings. Each is the history next year's eligibility reads, within its
own person or collective."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from base.award_forms import FORMS, PROVINCE_DECIDES, REPEATED_FORMS, form_code
from base.award_forms import WORDS as FORM_WORDS
from base.unit_kinds import UNIT_KINDS
from store import models
from store.ingest.bulk import in_slices
from store.ingest.columns import Choice, Day, Text, Year
from store.ingest.kind import Context, Kind, assign, left_out
from store.ingest.people import DISCIPLINE_FORMS, PERSON_TITLE_NEEDS, RATING_WORDS, RATINGS, decision_key
from store.ingest.problems import Collector

PARTICIPANT_KINDS = {"ca_nhan": "Cá nhân", "tap_the": "Tập thể"}
COLLECTIVE_TITLES = {"tap_the_lao_dong_xuat_sac": "Tập thể lao động xuất sắc",
                     "tap_the_lao_dong_tien_tien": "Tập thể lao động tiên tiến"}
# The lowest rating a collective title needs (Luật TĐKT 2022 Đ.27 a: xuất sắc; Đ.28: tốt).
TITLE_NEEDS = {"tap_the_lao_dong_xuat_sac": ("HTXSNV",), "tap_the_lao_dong_tien_tien": ("HTXSNV", "HTTNV")}
_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class _Decision(Text):
    """A decision's number, and as it is told apart (``decision_key``): part of the key of a form given several
    times a year, blanked for a title by the kind's check."""

    def fields(self, raw: pd.Series, out: Collector) -> dict[str, pd.Series]:
        values = self.parse(raw, out)
        return {self.field: values, "decision_key": values.map(decision_key)}


AWARD_COLUMNS = (
    Choice("Cá nhân hay tập thể", "kind", choices={**{v: k for k, v in PARTICIPANT_KINDS.items()},
                                                   **{k: k for k in PARTICIPANT_KINDS}},
           example="Cá nhân", help="Cá nhân / Tập thể"),
    Text("Mã cán bộ hoặc tập thể", "participant", limit=50, example="CB00001",
         help="Mã cán bộ (cá nhân) hoặc mã đơn vị (tập thể); người đã chuyển đơn vị vẫn ghi theo mã cán bộ"),
    Choice("Danh hiệu, hình thức khen thưởng", "form", choices=FORM_WORDS, example="Chiến sĩ thi đua cơ sở",
           prefixes={"Giấy khen của": "giay_khen"},  # whoever gives it: «… của Giám đốc Sở Nội vụ»
           help="Cá nhân: " + " / ".join(FORMS["ca_nhan"].values()) + ". Tập thể: "
                + " / ".join(FORMS["tap_the"].values()) + " (hoặc mã, chữ viết tắt: LĐTT, CSTĐCS, TTLĐXS …)"),
    Year("Năm", "year", past=True),
    _Decision("Số quyết định", "decision_no", limit=100, example="125/QĐ-SKHCN"),
    Day("Ngày quyết định", "decided_on", past=True, example="20/12/2024"),
    Text("Cơ quan quyết định", "issuer", limit=50, example="SKHCN",
         help="Mã đơn vị ban hành quyết định (sở, UBND xã, UBND tỉnh)"),
    Text("Sáng kiến làm căn cứ", "initiatives", required=False, limit=1000, example="SK-2024-0012",
         help="Mã các sáng kiến mà quyết định dựa vào (cách nhau bằng dấu phẩy); để trống nếu xét theo xếp loại"),
)


def _codes(text: str) -> list[str]:
    return [c for c in _SPLIT.split(text) if c]


def check_awards(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    people = frame["kind"].eq("ca_nhan")
    codes = frame["participant"]
    out.rows(people & codes.ne("") & ~codes.isin(set(ctx.people)), "Mã cán bộ hoặc tập thể",
             lambda v: f"cán bộ «{v}» chưa có trong danh sách cán bộ (nhập tệp cán bộ trước)", codes)
    out.rows(~people & codes.ne("") & ~codes.isin(set(ctx.units)), "Mã cán bộ hoặc tập thể",
             lambda v: f"tập thể «{v}» chưa có trong danh mục đơn vị (nhập tệp đơn vị trước)", codes)
    ctx.unknown_units(frame, out, "Cơ quan quyết định", field="issuer")
    # The form is read for its participant: a collective's Bằng khen is its own form; a person's title is no
    # collective's.
    forms = [form_code(f, k) if f else None for k, f in zip(frame["kind"], frame["form"])]
    frame["form"] = [c or f for c, f in zip(forms, frame["form"])]
    for kind, label in PARTICIPANT_KINDS.items():
        wrong = frame["kind"].eq(kind) & frame["form"].ne("") & ~frame["form"].isin(set(FORMS[kind]))
        out.rows(wrong, "Danh hiệu, hình thức khen thưởng",
                 lambda v, label=label, kind=kind: f"«{FORMS['ca_nhan'].get(v) or FORMS['tap_the'].get(v) or v}» "
                 f"không phải danh hiệu, hình thức khen thưởng của {label.lower()} "
                 f"({' / '.join(FORMS[kind].values())})", frame["form"])
    _one_title_a_year(frame, out)
    early = frame["decided_on"].notna() & frame["year"].notna() & (frame["decided_on"].dt.year < frame["year"])
    out.rows(early, "Ngày quyết định", lambda v: f"quyết định ngày {v:%d/%m/%Y} có trước năm được khen thưởng",
             frame["decided_on"])
    _check_ratings_held(ctx, frame, out)
    _check_initiatives(ctx, frame, out)
    _disciplined_when_awarded(ctx, frame, out)
    _title_as_rated(ctx, frame, out)
    _issuer_competent(ctx, frame, out)
    _symbol_of_issuer(ctx, frame, out)
    _one_day_and_issuer(ctx, frame, out)


def _issuer_competent(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A form decided by a unit that may not give it: a department's Bằng khen of the province, a commune's
    Chiến sĩ thi đua cấp tỉnh, a division's Lao động tiên tiến."""
    for pos, (kind, form, issuer) in enumerate(zip(frame["kind"], frame["form"], frame["issuer"])):
        issued_by = ctx.units.get(issuer, (None, None))[1]
        if issued_by is None or form not in FORMS.get(kind, {}):
            continue  # an unknown unit or form is refused for itself
        label = FORMS[kind][form]
        if form in PROVINCE_DECIDES and issued_by != "tinh":
            out.add(f"{label} do Chủ tịch UBND tỉnh quyết định (Luật TĐKT 2022 Đ.80), không phải «{issuer}» "
                    f"({UNIT_KINDS[issued_by]})", out.row_of(pos), "Cơ quan quyết định")
        elif issued_by == "phong_ban":
            out.add(f"«{issuer}» là {UNIT_KINDS[issued_by].lower()}: không có thẩm quyền quyết định {label} (thủ trưởng "
                    "sở, ban, ngành hoặc Chủ tịch UBND xã quyết định, Luật TĐKT 2022 Đ.80)", out.row_of(pos),
                    "Cơ quan quyết định")


# A decision's symbol (NĐ 30/2020/NĐ-CP, Phụ lục I): «số/tên loại-cơ quan ban hành[-đơn vị soạn thảo]».
_SYMBOL = re.compile(r"^[^/]*/\s*[^-\s]+\s*-\s*(\S+?)\s*$")


def _symbol_of_issuer(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A number whose symbol names another unit of the catalogue than the issuer written beside it («214/QĐ-SNV»,
    issuer «SKHCN»): one of the two is a slip, and the issuer decides who may give the form and which decision
    the row is. A symbol naming no unit's code («QĐ-UBND», an abbreviation the catalogue codes otherwise) is no
    question, nor is the issuer's own abbreviation (its «Ký hiệu viết tắt»; without one, «UBND» for the province and
    a commune, as their documents are numbered), even where another unit is coded so."""
    codes = {code.casefold(): code for code in ctx.units}
    with ctx.reading() as s:
        written = dict(s.execute(select(models.Unit.code, models.Unit.abbreviation)).all())
    for pos, (number, issuer) in enumerate(zip(frame["decision_no"], frame["issuer"])):
        found = _SYMBOL.match(number or "")
        if not found or issuer not in ctx.units:
            continue
        tail = found.group(1)
        own = {issuer.casefold(), (written.get(issuer) or
                                   ("UBND" if ctx.units[issuer][1] in ("tinh", "xa_phuong") else issuer)).casefold()}
        named = [codes[n.casefold()] for n in (tail, tail.split("-")[0]) if n.casefold() in codes]
        if named and own.isdisjoint({tail.casefold(), tail.split("-")[0].casefold()}):
            out.add(f"số quyết định «{number}» mang ký hiệu của «{named[0]}», cơ quan quyết định ghi «{issuer}»: sửa một "
                    "trong hai", out.row_of(pos), "Cơ quan quyết định")


def _one_day_and_issuer(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """One decision of an issuer (its number within the year it is dated: numbers start again each year, and every
    People's Committee numbers its own «…/QĐ-UBND») has one day: «214/QĐ-SNV» of SNV dated 20/12 in one row, or in
    a file landed before, and 27/12 in another is a slip in one of them."""
    A, U = models.AwardRecord, models.Unit
    resent = {(k, p, int(y), _title_group(f), d) for k, p, y, f, d in zip(
        frame["kind"], frame["participant"], frame["year"], frame["form"], frame["decision_key"]) if y == y}
    with ctx.reading() as s:  # the file's own records, sent again, are corrected by it: their old day is no question
        stored = {(r.code, decision_key(r.decision_no), r.decided_on.year): (r.decided_on, r.decision_no)
                  for r in in_slices(sorted(set(frame["issuer"])), lambda part: s.execute(
                      select(U.code, A.decision_no, A.decided_on, A.participant_kind, A.participant, A.year, A.form,
                             A.decision_key).join(U, U.id == A.issuer_id).where(U.code.in_(part))).all())
                  if (r.participant_kind, r.participant, r.year, _title_group(r.form), r.decision_key) not in resent}
    first: dict[tuple, int] = {}
    for pos, (number, day, issuer) in enumerate(zip(frame["decision_no"], frame["decided_on"], frame["issuer"])):
        if not number or pd.isna(day) or not issuer:
            continue
        key = (issuer, decision_key(number), day.year)
        at = first.setdefault(key, pos)
        if at != pos and frame["decided_on"].iat[at] != day:
            out.add(f"quyết định «{number}» của «{issuer}» ở dòng {out.row_of(at)} ngày {frame['decided_on'].iat[at]:%d/%m/%Y}, "
                    f"ở dòng này ngày {day:%d/%m/%Y}: một quyết định có một ngày", out.row_of(pos), "Ngày quyết định")
        elif at == pos and key in stored and stored[key][0] != day.date():
            was, written = stored[key]
            out.add(f"quyết định «{written}» của «{issuer}» đã ghi ngày {was:%d/%m/%Y}, ở dòng này ngày {day:%d/%m/%Y}: "
                    "một quyết định có một ngày", out.row_of(pos), "Ngày quyết định")


def _title_as_rated(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A collective title of a year the collective ratings file gives as the other one (Tập thể lao động tiên tiến
    there, xuất sắc here): both had been stored, and the emulation read the higher. The ratings file refuses the
    pair the other way."""
    wanted = frame["kind"].eq("tap_the") & frame["form"].isin(set(COLLECTIVE_TITLES)) & frame["year"].notna()
    if not wanted.any():
        return
    C, U = models.CollectiveRating, models.Unit
    with ctx.reading() as s:
        stored = {(code, year): title for code, year, title in s.execute(
            select(U.code, C.year, C.title).join(U, U.id == C.unit_id)
            .where(U.code.in_(sorted(set(frame.loc[wanted, "participant"]))), C.title != ""))}
    for pos in wanted.to_numpy().nonzero()[0]:
        who, year, form = frame["participant"].iat[pos], int(frame["year"].iat[pos]), frame["form"].iat[pos]
        held = stored.get((who, year))
        if held and held != form:
            out.add(f"«{who}» đã được ghi {COLLECTIVE_TITLES[held]} năm {year} (tệp xếp loại tập thể): mỗi năm một danh "
                    "hiệu tập thể; sửa một trong hai", out.row_of(pos), "Danh hiệu, hình thức khen thưởng")


def _disciplined_when_awarded(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """An award to a person disciplined in its year before its decision, or with a discipline of that year still
    under consideration: no award is given then (NĐ 152/2025/NĐ-CP Đ.4), and a person disciplined in the year is
    rated Không hoàn thành nhiệm vụ. Said, not refused: a decision recorded is a fact, and the order of the two
    decisions is not always on the file; the sender should look at it."""
    people = frame["kind"].eq("ca_nhan") & frame["year"].notna()
    if not people.any():
        return
    D, P = models.Discipline, models.Person
    with ctx.reading() as s:
        found = in_slices(sorted(set(frame.loc[people, "participant"])), lambda part: s.execute(
            select(P.code, D.year, D.form, D.status, D.decision_no, D.decided_on).join(P, P.id == D.person_id)
            .where(P.code.in_(part))).all())
    by_key: dict[tuple[str, int], list] = {}
    for row in found:
        by_key.setdefault((row.code, int(row.year)), []).append(row)
    for pos in people.to_numpy().nonzero()[0]:
        who, year, day = frame["participant"].iat[pos], int(frame["year"].iat[pos]), frame["decided_on"].iat[pos]
        for d in by_key.get((who, year), []):
            before = d.status == "da_quyet_dinh" and (d.decided_on is None or pd.isna(day) or d.decided_on <= day.date())
            if before or d.status == "dang_xem_xet":
                how = (f"bị kỷ luật {DISCIPLINE_FORMS.get(d.form, d.form)} năm {year} (quyết định {d.decision_no}"
                       f"{f', ngày {d.decided_on:%d/%m/%Y}' if d.decided_on else ''})" if before
                       else f"có vụ kỷ luật năm {year} đang xem xét")
                out.warn(f"«{who}» {how}: không khen thưởng cá nhân đang bị kỷ luật hoặc đang xem xét kỷ luật "
                         "(NĐ 152/2025/NĐ-CP Đ.4); kiểm tra lại quyết định khen thưởng",
                         "Mã cán bộ hoặc tập thể", [out.row_of(pos)])
                break


def _title_group(form: str) -> str:
    """What is held once a year: a title, or either of a collective's two titles."""
    return "collective_title" if form in COLLECTIVE_TITLES else form


def _one_title_a_year(frame: pd.DataFrame, out: Collector) -> None:
    """A title is held once a year, whatever decision gives it: its key forgets the decision (sent again under
    another number, it corrects the one stored), and two rows of one title and year under two decisions are
    refused, as are a collective's two titles of one year (Tập thể lao động xuất sắc and tiên tiến: one or the
    other). A Bằng khen or Giấy khen keeps its decision in its key: one person may have several a year."""
    title = ~frame["form"].isin(REPEATED_FORMS)
    written = frame["decision_key"]
    frame["decision_key"] = written.where(~title, "")
    group = frame["form"].map(_title_group)
    keyed = frame.assign(group=group, written=written)
    same = ["kind", "participant", "year", "group"]
    first = pd.Series(range(len(frame)), index=frame.index).groupby([keyed[c] for c in same],
                                                                     dropna=False).transform("first")
    # rows alike to the decision were refused as repeated keys already; a row without a year is refused for it
    twice = title & frame["year"].notna() & keyed.duplicated(same) & \
        ~keyed.duplicated(same + ["form", "written"])
    for pos in twice.to_numpy().nonzero()[0]:
        at = int(first.iat[pos])
        label = FORMS.get(frame["kind"].iat[pos], {}).get(frame["form"].iat[at], frame["form"].iat[at])
        out.add(f"«{frame['participant'].iat[pos]}» đã có {label} năm {frame['year'].iat[pos]:.0f} ở dòng "
                f"{out.row_of(at)} (quyết định {frame['decision_no'].iat[at]}): mỗi năm một danh hiệu; bỏ một trong "
                "hai dòng", out.row_of(pos), "Số quyết định")


def _check_ratings_held(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A title decided for a year whose stored rating falls short of what it needs (Lao động tiên tiến for a person
    rated Không hoàn thành nhiệm vụ, Tập thể lao động xuất sắc for a collective rated Hoàn thành nhiệm vụ): one of
    the two records is wrong, and next year's consecutive titles would stand on it. The collective ratings file
    refuses the same pair."""
    wanted = frame["form"].isin(set(PERSON_TITLE_NEEDS) | set(TITLE_NEEDS))
    if not wanted.any():
        return
    years = sorted({int(y) for y in frame.loc[wanted, "year"] if y == y})
    with ctx.reading() as s:
        people = {(who, year): rating for who, year, rating in s.execute(
            select(models.Person.code, models.StaffRating.year, models.StaffRating.rating)
            .join(models.Person, models.Person.id == models.StaffRating.person_id)
            .where(models.StaffRating.year.in_(years)))}
        units = {(who, year): rating for who, year, rating in s.execute(
            select(models.Unit.code, models.CollectiveRating.year, models.CollectiveRating.rating)
            .join(models.Unit, models.Unit.id == models.CollectiveRating.unit_id)
            .where(models.CollectiveRating.year.in_(years)))}
    for pos, (kind, who, form, year) in enumerate(zip(frame["kind"], frame["participant"], frame["form"], frame["year"])):
        needs = (PERSON_TITLE_NEEDS if kind == "ca_nhan" else TITLE_NEEDS).get(form)
        rating = (people if kind == "ca_nhan" else units).get((who, int(year))) if needs and year == year else None
        if rating is not None and rating not in needs:
            label = FORMS[kind].get(form, form)
            out.add(f"{label} năm {int(year)} cần xếp loại từ «{RATINGS[needs[-1]]}» trở lên, mà «{who}» được xếp loại "
                    f"«{RATINGS[rating]}» năm đó: sửa một trong hai", out.row_of(pos), "Danh hiệu, hình thức khen thưởng")
    # Chiến sĩ thi đua cơ sở rests on an excellent rating, or on an initiative or a topic (Luật TĐKT 2022 Đ.23): one
    # rated «tốt» with no initiative named may rest on a topic this store does not link to the decision
    plain = [out.row_of(pos) for pos, (kind, who, form, year, named) in enumerate(zip(
        frame["kind"], frame["participant"], frame["form"], frame["year"], frame["initiatives"]))
        if form == "chien_si_thi_dua_co_so" and not named and year == year and people.get((who, int(year))) == "HTTNV"]
    if plain:
        out.warn("Chiến sĩ thi đua cơ sở cho người xếp loại Hoàn thành tốt nhiệm vụ mà không ghi sáng kiến làm căn cứ: "
                 "xét theo xếp loại thì cần Hoàn thành xuất sắc nhiệm vụ (Luật TĐKT 2022 Đ.23); ghi sáng kiến, hoặc kiểm "
                 "tra đề tài đã nghiệm thu", "Sáng kiến làm căn cứ", plain)


def _check_initiatives(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """Named initiatives exist, are the person's own, and back no other award (CV 5007/BNV-TĐKT 2023)."""
    named = frame["initiatives"].map(_codes)
    wanted = sorted({c for cs in named for c in cs})
    if not wanted:
        return
    with ctx.reading() as s:
        found = in_slices(wanted, lambda part: s.execute(
            select(models.Initiative.code, models.Person.code, models.Initiative.year)
            .join(models.Person, models.Person.id == models.Initiative.person_id)
            .where(models.Initiative.code.in_(part))).all())
        owners = {code: person for code, person, _ in found}
        recognised = {code: year for code, _, year in found}
        campaigns = s.execute(select(models.Award.participant_kind, models.Award.participant, models.Award.year,
                                     models.Award.form, models.Award.initiatives).where(models.Award.initiatives != "")).all()
        AR = models.AwardRecord
        records = s.execute(select(AR.participant_kind, AR.participant, AR.year, AR.form, AR.initiatives,
                                   AR.decision_key).where(AR.initiatives != ""))
        keys = [(row.kind, row.participant, int(row.year) if row.year == row.year else 0, row.form, row.decision_key)
                for row in frame.itertuples(index=False)]
        # a decision the file gives again is replaced by the file's version: what it rested on no longer counts
        resent = set(keys)
        records = [r for r in records if (r[0], r[1], int(r[2]), r[3], r[5]) not in resent]
        used: dict[str, tuple] = {}
        for kind, who, year, form, codes, *told in (*campaigns, *records):
            for code in _codes(codes):
                used[code] = (kind, who, int(year), form, told[0] if told else "")
    seen: dict[str, int] = {}
    for pos, (codes, row, this) in enumerate(zip(named, frame.itertuples(index=False), keys)):
        for code in codes:
            if code not in owners:
                out.add(f"sáng kiến «{code}» chưa có trong danh sách sáng kiến được công nhận", out.row_of(pos),
                        "Sáng kiến làm căn cứ")
            elif row.kind != "ca_nhan" or owners[code] != row.participant:
                out.add(f"sáng kiến «{code}» là của «{owners[code]}», không phải của «{row.participant}»",
                        out.row_of(pos), "Sáng kiến làm căn cứ")
            elif row.year == row.year and recognised[code] > int(row.year):
                out.add(f"sáng kiến «{code}» được công nhận năm {recognised[code]}, sau năm được khen thưởng "
                        f"{int(row.year)}: không thể là căn cứ của nó", out.row_of(pos), "Sáng kiến làm căn cứ")
            elif code in used and used[code] != this:
                _, who, year, form, _ = used[code]
                out.add(f"sáng kiến «{code}» đã làm căn cứ cho {FORMS['ca_nhan'].get(form, form)} năm {year}: mỗi "
                        "sáng kiến chỉ làm căn cứ cho một hình thức khen thưởng", out.row_of(pos),
                        "Sáng kiến làm căn cứ")
            elif code in seen:
                out.add(f"sáng kiến «{code}» đã làm căn cứ ở dòng {seen[code]}", out.row_of(pos),
                        "Sáng kiến làm căn cứ")
            else:
                seen[code] = out.row_of(pos)


def load_awards(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    A = models.AwardRecord
    units = {code: uid for code, (uid, _) in ctx.units.items()}
    # a collective holds one of its two titles a year: the other sent later corrects it (as a title sent again
    # under another number does), where both had been stored and the emulation read the higher
    existing = {(a.participant_kind, a.participant, a.year, _title_group(a.form), a.decision_key): a for a in in_slices(
        sorted(set(frame["participant"])), lambda part: session.scalars(select(A).where(A.participant.in_(part))))}
    left = left_out(frame)
    for row in frame.itertuples(index=False):
        key = (row.kind, row.participant, int(row.year), _title_group(row.form), row.decision_key)
        rec = existing.get(key) or A(participant_kind=key[0], participant=key[1], year=key[2], decision_key=key[4])
        rec.form = row.form
        rec.decision_no, rec.decided_on, rec.issuer_id = row.decision_no, row.decided_on.date(), units[row.issuer]
        rec.batch_id = batch_id
        assign(rec, {"initiatives": ",".join(_codes(row.initiatives))}, left)
        existing[key] = rec
        session.add(rec)
    session.flush()
    return {"quyết định khen thưởng": len(frame)}


RATING_COLUMNS = (
    Text("Mã tập thể", "unit", limit=50, example="SKHCN-VP", help="Mã đơn vị (sở, xã, phòng) được xếp loại"),
    Year("Năm đánh giá", "year", past=True),
    Choice("Mức xếp loại tập thể", "rating", choices=RATING_WORDS,
           example="Hoàn thành xuất sắc nhiệm vụ",
           help="Hoàn thành xuất sắc / tốt / Hoàn thành / Không hoàn thành nhiệm vụ (HTXSNV, HTTNV, HTNV, KHTNV)"),
    Choice("Danh hiệu tập thể", "title", required=False, blank="",
           choices={**{v: k for k, v in COLLECTIVE_TITLES.items()}, **{k: k for k in COLLECTIVE_TITLES},
                    "TTLĐXS": "tap_the_lao_dong_xuat_sac", "TTLĐTT": "tap_the_lao_dong_tien_tien"},
           example="Tập thể lao động xuất sắc",
           help="Danh hiệu đã được quyết định trong năm, nếu có: Tập thể lao động xuất sắc / Tập thể lao động tiên "
                "tiến; để trống nếu chưa có"),
)


def check_ratings(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    ctx.unknown_units(frame, out, "Mã tập thể")
    _title_as_decided(ctx, frame, out)
    titles, said = frame["title"], ""
    if "title" in left_out(frame):  # the titles stored stay: the ratings must still be those they need
        titles, said = _stored_titles(ctx, frame), " (danh hiệu đã ghi; tệp không có cột «Danh hiệu tập thể»)"
    for title, needs in TITLE_NEEDS.items():
        short = titles.eq(title) & frame["rating"].notna() & ~frame["rating"].isin(needs)
        out.rows(short, "Mức xếp loại tập thể" if said else "Danh hiệu tập thể",
                 lambda v, title=title, needs=needs: f"{COLLECTIVE_TITLES[title]}{said} cần tập thể xếp loại "
                 f"{' hoặc '.join(RATINGS[n] for n in needs)}, nhưng tập thể xếp loại {RATINGS.get(v, v)}",
                 frame["rating"])


def _title_as_decided(ctx: Context, frame: pd.DataFrame, out: Collector) -> None:
    """A collective title the awards file records otherwise for the same collective and year: see
    ``_title_as_rated``."""
    given = frame["title"].ne("") & frame["title"].notna() & frame["year"].notna()
    if not given.any():
        return
    A = models.AwardRecord
    with ctx.reading() as s:
        decided = {(who, year): (form, number) for who, year, form, number in s.execute(
            select(A.participant, A.year, A.form, A.decision_no).where(
                A.participant_kind == "tap_the", A.form.in_(list(COLLECTIVE_TITLES)),
                A.participant.in_(sorted(set(frame.loc[given, "unit"])))))}
    for pos in given.to_numpy().nonzero()[0]:
        who, year, title = frame["unit"].iat[pos], int(frame["year"].iat[pos]), frame["title"].iat[pos]
        form, number = decided.get((who, year), (title, ""))
        if form != title:
            out.add(f"«{who}» đã có quyết định {number} công nhận {COLLECTIVE_TITLES[form]} năm {year}: mỗi năm một "
                    "danh hiệu tập thể; sửa một trong hai", out.row_of(pos), "Danh hiệu tập thể")


def _stored_titles(ctx: Context, frame: pd.DataFrame) -> pd.Series:
    """Per row, the title stored for its collective and year ('' where none)."""
    C = models.CollectiveRating
    ids = {code: uid for code, (uid, _) in ctx.units.items()}
    wanted = sorted({ids[u] for u in frame["unit"] if u in ids})
    with ctx.reading() as s:
        stored = {(r.unit_id, r.year): r.title for r in in_slices(wanted, lambda part: s.scalars(
            select(C).where(C.unit_id.in_(part))))}
    return pd.Series([stored.get((ids.get(u), int(y)), "") if pd.notna(y) else ""
                      for u, y in zip(frame["unit"], frame["year"])], index=frame.index, dtype=object)


def load_ratings(session: Session, frame: pd.DataFrame, ctx: Context, batch_id: int) -> dict[str, int]:
    C = models.CollectiveRating
    units = {code: uid for code, (uid, _) in ctx.units.items()}
    ids = sorted({units[u] for u in frame["unit"]})
    existing = {(r.unit_id, r.year): r for r in in_slices(ids, lambda part: session.scalars(
        select(C).where(C.unit_id.in_(part))))}
    left = left_out(frame)
    for row in frame.itertuples(index=False):
        key = (units[row.unit], int(row.year))
        rec = existing.get(key) or C(unit_id=key[0], year=key[1])
        rec.rating, rec.batch_id = row.rating, batch_id
        assign(rec, {"title": row.title or ""}, left)
        session.add(rec)
    session.flush()
    return {"xếp loại tập thể": len(frame)}


AWARDS = Kind("khen_thuong", "Danh hiệu, hình thức khen thưởng đã quyết định", AWARD_COLUMNS,
              ("kind", "participant", "year", "form", "decision_key"), check_awards, load_awards,
              key_from=(("decision_key", "decision_no"),),
              notes=("Mỗi dòng là một danh hiệu hoặc hình thức khen thưởng đã quyết định cho một cá nhân hoặc tập thể.",
                     "Cá nhân ghi theo mã cán bộ: người đã chuyển đơn vị vẫn ghi được quyết định của đơn vị cũ.",
                     "Danh hiệu thi đua: mỗi năm một lần; nhập lại cùng người, năm, danh hiệu là sửa quyết định đó.",
                     "Bằng khen, Giấy khen: một người, tập thể có thể được nhiều lần trong năm, mỗi quyết định một "
                     "dòng; nhập lại cùng số quyết định là sửa quyết định đó.",
                     "Mỗi sáng kiến chỉ làm căn cứ cho một hình thức khen thưởng."))
COLLECTIVE_RATINGS = Kind("xep_loai_tap_the", "Xếp loại tập thể hằng năm", RATING_COLUMNS, ("unit", "year"),
                          check_ratings, load_ratings,
                          notes=("Mỗi dòng là mức hoàn thành nhiệm vụ của một tập thể trong một năm.",
                                 "Bằng khen tập thể xét theo 2 năm liên tục hoàn thành xuất sắc nhiệm vụ hoặc "
                                 "Tập thể lao động xuất sắc (Luật TĐKT 2022 Đ.74)."))
