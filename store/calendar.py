"""The CCHC reporting calendar: periods, their data windows and due dates, as data.

CCHC reporting windows are not calendar quarters. Under CV 581/BNV-CCHC (and the same pattern in
TT 06/2025/TT-TTCP) the data of a period runs from the 15th of the last month of the previous period
to the 14th of the period's last month, and the report is due on the 20th of that last month:

    Q1   15/12 (previous year) → 14/3       6 months 15/12 → 14/6
    Q3   15/6 → 14/9                        9 months 15/12 → 14/9
    year 15/12 → 14/12

Q2 and Q4 follow the same rule (15/3 → 14/6, 15/9 → 14/12). The CCHC reports sent to the Ministry of
Home Affairs are Q1, 6 months, Q3 and the year (``REPORTED``); the others are kept for units whose
province asks for them (seed 001 is a 9-month report).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

DUE_DAY = 20


@dataclass(frozen=True)
class PeriodKind:
    code: str
    label: str
    # (year offset, month, day) of the first day of the window, relative to the reporting year
    start: tuple[int, int, int]
    # (month, day) of the last day of the window, in the reporting year
    end: tuple[int, int]


PERIOD_KINDS: tuple[PeriodKind, ...] = (
    PeriodKind("Q1", "Quý I", (-1, 12, 15), (3, 14)),
    PeriodKind("Q2", "Quý II", (0, 3, 15), (6, 14)),
    PeriodKind("6T", "6 tháng", (-1, 12, 15), (6, 14)),
    PeriodKind("Q3", "Quý III", (0, 6, 15), (9, 14)),
    PeriodKind("9T", "9 tháng", (-1, 12, 15), (9, 14)),
    PeriodKind("Q4", "Quý IV", (0, 9, 15), (12, 14)),
    PeriodKind("NAM", "Năm", (-1, 12, 15), (12, 14)),
)
KINDS_BY_CODE = {k.code: k for k in PERIOD_KINDS}

# The periods a unit reports to the Ministry of Home Affairs (CV 581/BNV-CCHC).
REPORTED = ("Q1", "6T", "Q3", "NAM")


@dataclass(frozen=True)
class Period:
    year: int
    kind: PeriodKind

    @property
    def code(self) -> str:
        return f"{self.year}-{self.kind.code}"

    @property
    def label(self) -> str:
        return f"Năm {self.year}" if self.kind.code == "NAM" else f"{self.kind.label} năm {self.year}"

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: «quý I năm 2024», «6 tháng năm 2024», «năm 2024»."""
        return self.label[0].lower() + self.label[1:]

    @property
    def start(self) -> date:
        offset, month, day = self.kind.start
        return date(self.year + offset, month, day)

    @property
    def end(self) -> date:
        month, day = self.kind.end
        return date(self.year, month, day)

    @property
    def due(self) -> date:
        return date(self.year, self.kind.end[0], DUE_DAY)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.code


def periods_of(year: int) -> list[Period]:
    """Every period of a reporting year, in order of their end (a quarter before the longer period)."""
    return sorted((Period(year, k) for k in PERIOD_KINDS), key=lambda p: (p.end, -p.start.toordinal()))


def year_window(year: int) -> Period:
    return Period(year, KINDS_BY_CODE["NAM"])


def days_of_years() -> tuple[date, date]:
    """The first and last day of the data of the years a period may be of (15/12/1989 – 14/12/2100)."""
    return year_window(FIRST_YEAR).start, year_window(LAST_YEAR).end


def beyond_years(day: date) -> str:
    """Why data of ``day`` is refused when it falls outside ``days_of_years``."""
    return (f"ngày tiếp nhận {day:%d/%m/%Y} thuộc kỳ dữ liệu năm {reporting_year_of(day)}, ngoài các năm "
            f"{FIRST_YEAR}–{LAST_YEAR}")


def _reported_around(day: date) -> list[Period]:
    return [p for y in (day.year - 1, day.year, day.year + 1) for p in periods_of(y) if p.kind.code in REPORTED]


def due_on_or_before(day: date) -> Period:
    """The reported period whose due date is ``day`` or the last one before it."""
    return max((p for p in _reported_around(day) if p.due <= day), key=lambda p: p.due)


def next_due(day: date) -> Period:
    """The reported period due next (on ``day`` or after)."""
    return min((p for p in _reported_around(day) if p.due >= day), key=lambda p: p.due)


def reporting_year_of(day: date) -> int:
    """The CCHC year whose data window holds ``day`` (15/12 already belongs to the next year)."""
    return day.year + 1 if (day.month, day.day) >= (12, 15) else day.year


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    return "".join(c for c in text if not unicodedata.combining(c))


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# «2024-Q1», and as a system or a pivot table writes it: «2024Q1», «2024 Q1», «2024/Q1»
_CODE = re.compile(r"^(\d{4})\s*[-/]?\s*(q[1-4]|6t|9t|nam)$")
# «Quý I/2024», and as offices write it: «Quí I», «Q.I», «Quý 01», «Quý II, năm 2024», «Quý I - năm 2024»
_QUARTER = re.compile(r"^(?:qu[yi]|q\.?)\s*(i{1,3}|iv|0?[1-4])\s*(?:[/\-–.,]\s*)?(?:nam\s*)?(\d{4})$")
# «6 tháng 2024», «6 tháng đầu năm 2024», «06 tháng», «9 tháng, năm 2024»
_MONTHS = re.compile(r"^0?(6|9)\s*thang\s*(?:dau\s*)?(?:[/\-–.,]\s*)?(?:nam\s*)?(\d{4})$")
# The second half of a year is no period of the reporting calendar (its reports add up from the 15th of December)
_HALF = re.compile(r"^6\s*thang\s*cuoi")
# «Năm 2024», «Cả năm 2024»; a year alone («2024») is refused: it may be a quarter's figure missing its quarter
_YEAR = re.compile(r"^(?:ca\s*)?nam\s*(\d{4})$")


# The years a period may be of: those the year columns of every input take (a year 0999 had read as the period
# «999-NAM», whose year could not be read back).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def parse_period(text: str) -> Period:
    """Read a period as users write it: ``2024-Q1``, ``Quý I/2024`` (``Q1/2024``, ``Quý I - 2024``), ``6 tháng
    2024``, ``Năm 2024`` (``Cả năm 2024``)."""
    period = _period(text)
    if not FIRST_YEAR <= period.year <= LAST_YEAR:
        raise ValueError(f"kỳ báo cáo «{text}»: năm phải từ {FIRST_YEAR} đến {LAST_YEAR}")
    return period


def _period(text: str) -> Period:
    folded = re.sub(r"\s+", " ", _fold(str(text)))
    if m := _CODE.match(folded):
        return Period(int(m[1]), KINDS_BY_CODE[m[2].upper()])
    if m := _QUARTER.match(folded):
        q = _ROMAN.get(m[1]) or int(m[1])
        return Period(int(m[2]), KINDS_BY_CODE[f"Q{q}"])
    if m := _MONTHS.match(folded):
        return Period(int(m[2]), KINDS_BY_CODE[f"{m[1]}T"])
    if m := _YEAR.match(folded):
        return Period(int(m[1]), KINDS_BY_CODE["NAM"])
    if _HALF.match(folded):
        raise ValueError(f"không nhận ra kỳ báo cáo «{text}»: kỳ báo cáo cộng dồn từ đầu năm (6 tháng, 9 tháng, Năm); "
                         "số liệu 6 tháng cuối năm ghi theo Quý III và Quý IV")
    raise ValueError(f"không nhận ra kỳ báo cáo «{text}» (ví dụ đúng: 2024-Q1, Quý I/2024, 6 tháng 2024, Năm 2024)")
