"""What an ingestible kind of file is: its columns, its key, its checks and how it is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from store import models
from store.ingest.columns import Column
from store.ingest.problems import Collector


def left_out(frame: pd.DataFrame) -> frozenset[str]:
    """The optional fields whose column the file left out (``store.ingest.parse``)."""
    return frame.attrs.get("left_out", frozenset())


def assign(rec, values: dict, left: frozenset[str]) -> None:
    """Set ``values`` on a record; one already stored keeps what it has for the fields ``left`` out of the file:
    a later file without an optional column had blanked them (a collective's title, a person's birth date)."""
    for name, value in values.items():
        if name not in left or rec.id is None:
            setattr(rec, name, value)


def case_variants(known, codes: pd.Series, out: Collector, column: str, what: str) -> None:
    """Refuse a code that another stored or earlier row's code matches but for its letters' case («stp» beside «STP»,
    «cb00001» beside «CB00001»): the same code written again, which had become a second unit or person."""
    seen = {code.casefold(): code for code in known}
    for pos, code in enumerate(codes):
        other = seen.setdefault(code.casefold(), code) if code else code
        if other != code:
            out.add(f"{what} «{code}» trùng mã «{other}» (chỉ khác chữ hoa, chữ thường): ghi đúng «{other}», hoặc "
                    "đặt một mã khác hẳn", out.row_of(pos), column)


def one_value_per(frame: pd.DataFrame, out: Collector, key: str, fields: dict[str, str], what: str,
                  labels: dict[str, dict[str, str]] | None = None) -> None:
    """Refuse the rows of one ``key`` that give a field otherwise than its first row (a staff code of two names, a
    topic of two titles): two people under one code, or a slip, and the row written last would decide which.
    Text is compared as read aloud (letters' case and spacing aside); a blank cell contradicts nothing. ``labels``:
    how a field's stored choices are written, for the message."""
    if not len(frame):
        return
    first = pd.Series(range(len(frame)), index=frame.index).groupby(frame[key].to_numpy()).transform("first")
    for name, column in fields.items():
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            said = values.dt.strftime("%d/%m/%Y").fillna("")
        elif pd.api.types.is_numeric_dtype(values):  # a year read as 2024.0
            said = values.map(lambda v: "" if pd.isna(v) else f"{v:g}")
        else:
            shown = (labels or {}).get(name, {})
            said = values.astype(str).map(lambda v: shown.get(v, v))
        compared = said.str.casefold().str.split().str.join(" ")
        given = values.notna() & said.ne("")
        at_first = compared.to_numpy()[first.to_numpy()]
        differs = given & given.to_numpy()[first.to_numpy()] & compared.ne(at_first)
        if differs.any():
            text = pd.Series(None, index=frame.index, dtype=object)
            for pos in np.flatnonzero(differs.to_numpy()):
                at = int(first.iat[pos])
                text.iat[pos] = (f"{column} của {what} «{frame[key].iat[pos]}» ở dòng {out.row_of(at)} là "
                                 f"«{said.iat[at]}», ở dòng này là «{said.iat[pos]}»: mỗi mã chỉ là một {what}")
            out.rows(differs, column, lambda t: t, text)


@dataclass
class Context:
    """What the checks of one file may look up in the store (read-only, before anything is written)."""

    engine: Engine
    file: str
    year: int | None = None
    found: dict = field(default_factory=dict)  # what checks computed for the loader (e.g. the year)
    progress: Callable[[int], None] | None = None  # told how many rows each bulk write has written
    # The transaction the file is written in, when checks must see what files before it in the same
    # transaction wrote (files ingested together); otherwise checks read what is committed.
    session: Session | None = None
    # Figures (unit, period code, indicator) that a figures file written after this one in the same transaction
    # declares again: they replace the store's, and that file checks them itself.
    redeclared: frozenset[tuple[str, str, str]] = frozenset()
    # The batches files before this one in the same transaction wrote, by id, with their file's name: a value of
    # theirs is not yet in the store, and a message names the file it comes from.
    together: dict[int, str] = field(default_factory=dict)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        if self.session is not None:
            yield self.session
            return
        with Session(self.engine) as s:
            yield s

    @cached_property
    def units(self) -> dict[str, tuple[int, str]]:
        """Unit code → (id, kind)."""
        with self.reading() as s:
            return {c: (i, k) for i, c, k in s.execute(select(models.Unit.id, models.Unit.code, models.Unit.kind))}

    @cached_property
    def people(self) -> dict[str, int]:
        with self.reading() as s:
            return dict(s.execute(select(models.Person.code, models.Person.id)).all())

    @staticmethod
    def periods(frame: pd.DataFrame, out: Collector, column: str = "Kỳ báo cáo", field: str = "period") -> dict:
        """Each period as written in the file → its ``Period``; a period that cannot be read, or that has not
        begun (figures, reports of Quý I/2099: a slip for another year), is a problem of every row that writes it.
        A period under way may be reported on: a quarter's figures are sent before its last day."""
        from store import calendar
        from store.ingest.columns import today

        found = {}
        for text in frame[field].unique():
            if not text:
                continue
            try:
                found[text] = period = calendar.parse_period(text)
            except ValueError as err:
                out.rows(frame[field].eq(text), column, str(err))
                continue
            if period.start > today():
                out.rows(frame[field].eq(text), column,
                         f"kỳ báo cáo «{text}» chưa bắt đầu (bắt đầu từ {period.start:%d/%m/%Y})")
        return found

    def unknown_units(self, frame: pd.DataFrame, out: Collector, column: str, field: str = "unit",
                      also: set[str] = frozenset()) -> None:
        codes = frame[field]
        known = set(self.units) | set(also)
        out.rows(codes.ne("") & ~codes.isin(known), column, self.unknown_unit(known), codes)

    def unknown_unit(self, known=None) -> Callable[[str], str]:
        """The refusal of a unit's code not in the catalogue, telling the code it may mean when only the letters'
        case differs."""
        folded = {code.casefold(): code for code in (self.units if known is None else known)}

        def said(code: str) -> str:
            near = folded.get(code.casefold())
            hint = f" (có phải «{near}»? mã phân biệt chữ hoa, chữ thường)" if near else " (nhập tệp đơn vị trước)"
            return f"đơn vị «{code}» chưa có trong danh mục đơn vị{hint}"

        return said

    def unknown_people(self, frame: pd.DataFrame, out: Collector, column: str) -> None:
        codes = frame["person"]
        out.rows(codes.ne("") & ~codes.isin(set(self.people)), column,
                 lambda v: f"cán bộ «{v}» chưa có trong danh sách cán bộ (nhập tệp cán bộ trước)",
                 codes)


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    check: Callable[[Context, pd.DataFrame, Collector], None]
    load: Callable[[Session, pd.DataFrame, Context, int], dict[str, int]]
    notes: tuple[str, ...] = ()
    # Fields of the key a row may leave empty, the empty cell then a value of the key (a finding of no criterion,
    # a discipline not yet decided, of no decision number): rows are compared with them empty too.
    blank_in_key: tuple[str, ...] = ()
    # Fields of the key a column gives beside its own (an award's decision as told apart): the column named for them.
    key_from: tuple[tuple[str, str], ...] = ()

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def key_names(self) -> str:
        """The headers of the key's columns, as a repeated key is refused."""
        fields = set(self.key) | {column for given, column in self.key_from if given in self.key}
        return ", ".join(c.header for c in self.columns if c.field in fields)
