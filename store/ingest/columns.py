"""Typed columns of an input sheet: each turns raw cells (text from CSV, typed values from XLSX) into
values, vectorised over the whole column, and reports the rows it cannot read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from store.ingest.problems import Collector


def fold(text: str) -> str:
    """Lower case without diacritics, for matching what people type against known words."""
    text = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c)))


def _is_text(raw: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(raw.dtype) and raw.dtype != object


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as NFC text with outer spaces removed; empty cells become ''."""
    if _is_text(raw):  # CSV: already text, the fast path for millions of rows
        out = raw.fillna("").str.strip()
    else:  # XLSX: numbers, dates and text mixed
        out = raw.astype("object").where(raw.notna(), "")
        out = out.map(lambda v: v if isinstance(v, str) else _cell_text(v)).astype("str").str.strip()
    if out.str.contains(r"[^\x00-\x7f]", regex=True).any():
        out = map_distinct(out, lambda v: unicodedata.normalize("NFC", v))
    return out


def map_distinct(values: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct value: a column of a million cells has few distinct words."""
    codes, uniques = pd.factorize(values)
    mapped = np.array([func(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index)


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = True  # a cell must hold a value
    help: str = ""
    example: str = ""

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        values = as_text(raw)
        if self.required:
            out.rows(values.eq(""), self.header, "ô bắt buộc đang để trống")
        return values


@dataclass(frozen=True)
class Text(Column):
    pass


_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers as Vietnamese users write them: 1.234 (thousands) and 98,3 (decimal comma) both read."""
    plain = pd.to_numeric(text, errors="coerce")
    unread = plain.isna() & text.ne("")
    if not unread.any():
        return plain
    cleaned = text[unread].str.replace(" ", "", regex=False)
    thousands = cleaned.str.match(_THOUSANDS)
    cleaned = cleaned.where(~thousands, cleaned.str.replace(".", "", regex=False))
    cleaned = cleaned.str.replace(",", ".", regex=False)
    return plain.where(~unread, pd.to_numeric(cleaned, errors="coerce"))


@dataclass(frozen=True)
class Number(Column):
    integral: bool = False
    minimum: float | None = 0

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        if pd.api.types.is_numeric_dtype(raw.dtype):
            text = None
            values = raw.astype("float64")
            blank = values.isna()
        else:
            text = as_text(raw)
            blank = text.eq("")
            values = _numbers(text)
        if self.required:
            out.rows(blank, self.header, "ô bắt buộc đang để trống")
        src = text if text is not None else values
        out.rows(values.isna() & ~blank, self.header, lambda v: f"«{v}» không phải là số", src)
        if self.integral:
            frac = values.notna() & (values != np.floor(values))
            out.rows(frac, self.header, lambda v: f"«{v}» phải là số nguyên", src)
        if self.minimum is not None:
            out.rows(values < self.minimum, self.header,
                     lambda v: f"giá trị âm «{v}» không hợp lệ (phải ≥ {self.minimum:g})", src)
        return values


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Day(Column):
    """A date: dd/mm/yyyy as people type it, yyyy-mm-dd as systems export it, or an Excel date."""

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            parsed = pd.to_datetime(raw)
            text = parsed.dt.strftime("%d/%m/%Y").fillna("")
            blank = parsed.isna()
        else:
            is_stamp = (pd.Series(False, index=raw.index) if _is_text(raw)
                        else raw.map(lambda v: isinstance(v, (datetime, date))))
            text = as_text(raw.where(~is_stamp, None))
            blank = text.eq("") & ~is_stamp
            # Try first the format the column's first value is written in: exports from systems are ISO.
            sample = text[~blank].head(1)
            formats = ["%d/%m/%Y", "%Y-%m-%d"]
            if len(sample) and _ISO_DATE.match(sample.iloc[0]):
                formats.reverse()
            parsed = pd.to_datetime(text, format=formats[0], errors="coerce")
            missing = parsed.isna() & ~blank
            if missing.any():
                parsed = parsed.where(~missing, pd.to_datetime(text.where(missing), format=formats[1], errors="coerce"))
            if is_stamp.any():
                parsed = parsed.where(~is_stamp, pd.to_datetime(raw.where(is_stamp), errors="coerce"))
        if self.required:
            out.rows(blank, self.header, "ô bắt buộc đang để trống")
        out.rows(parsed.isna() & ~blank, self.header,
                 lambda v: f"«{v}» không phải ngày hợp lệ (dd/mm/yyyy)", text)
        return parsed.dt.normalize()


@dataclass(frozen=True)
class Choice(Column):
    """One of a closed set of words; matched without case or diacritics, stored as its code."""

    choices: dict[str, str] = field(default_factory=dict)  # what people write → code
    blank: str | None = None  # the code an empty cell means, if it may be empty

    def parse(self, raw: pd.Series, out: Collector) -> pd.Series:
        text = as_text(raw)
        lookup = {fold(k): v for k, v in self.choices.items()}
        codes = map_distinct(text, lambda v: lookup.get(fold(v)) if v else self.blank)
        if self.required and self.blank is None:
            out.rows(text.eq(""), self.header, "ô bắt buộc đang để trống")
        allowed = ", ".join(dict.fromkeys(k for k in self.choices if not k.isascii() or len(k) > 1))
        out.rows(codes.isna() & text.ne(""), self.header,
                 lambda v: f"«{v}» không thuộc các giá trị cho phép: {allowed}", text)
        return codes


YES_NO = {"Có": True, "Không": False, "C": True, "K": False, "x": True, "1": True, "0": False,
          "yes": True, "no": False, "true": True, "false": False}


def YesNo(header: str, field: str, help: str = "", example: str = "Có") -> Choice:
    return Choice(header, field, required=True, help=help or "Có / Không (để trống là Không)",
                  example=example, choices=YES_NO, blank=False)
