"""Arrow compute reads a dossier cell only when it reads it as the typed columns do: over cells of every habit
and every refusal, each row it is sure of has the typed column's value and no problem, and every cell the typed
columns refuse is left to them."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from store.ingest import arrow_cells
from store.ingest.columns import Choice, Day, Number, Text
from store.ingest.dossiers import COLUMNS
from store.ingest.problems import Collector

BY_TYPE = {Text: COLUMNS[0], Day: COLUMNS[3], Choice: COLUMNS[6], Number: COLUMNS[11]}
OPTIONAL_DAY = COLUMNS[5]
YES_NO = COLUMNS[7]
SPACES = ["\u00a0", "\u3000", "\u202f", "\x1c", "\t", "\u2028"]

CELLS = {
    Text: ["SKHCN", " STP ", "STP\u00a0", "\u3000XA01\x1c", "", " ", "NA", "n/a", "#N/A", "#REF!", "Sở", "So\u031b\u0309",
           "Ủy ban", "x" * 40_000, "0012", "a,b"],
    Day: ["05/11/2024", "2024-11-05", " 05/11/2024\u00a0", "5/11/2024", "05/1/2024", "31/02/2024", "29/02/2024",
          "29/02/2023", "2024-02-30", "00/01/2024", "01/13/2024", "05/11/24", "05/11/2024x", "1800-01-01",
          "31/12/2199", "", "NA", "#VALUE!", "hôm nay", "2024-11-05 08:00", "05/11/2024 08:30:15", "05/11/2024 8:30",
          "2024-11-05T08:30:15.123", "2024-11-05T08:30:15,123",
          "2024-11-05 08:30:15.123456789", "5/11/2024 23:59", "05/11/2024 24:00", "05/11/2024 08:61", "05/11/2024 08:30 SA",
          "05/11/2024  08:30", "05-11-2024", "5-11-2024", "31-02-2024",
          "05.11.2024", "5.11.2024", "31.02.2024", "05-11-2024 08:30", "2024-11-05 08:30:15+07:00",
          "2024-11-04T17:00:00.000Z", "04/11/2024 23:30-05:00", "2024-11-06T01:30+0900", "2024-11-05T16:59:59Z"],
    Choice: ["Trực tuyến", "truc tuyen", "TRỰC TIẾP", " Bưu chính ", "BCCI", "Online", "Trực tuyến\u00a0", "", "NA",
             "#N/A", "qua mạng", "Tru\u031bc tuye\u0302\u0301n"],
    "yes_no": ["Có", "Không", "co", "CÓ", "K", "x", "1", "0", "yes", "TRUE", "", "NA", "#N/A", "Khong", "có lẽ"],
    Number: ["0", "12", " 3 ", "007", "999999999999999", "9999999999999999", "1.234", "1,5", "-1", "+2", "1e3", "",
             "NA", "#DIV/0!", "inf", "một", "2.0"],
}


class _Every(Collector):
    """Every refused row, not the first ten of each problem."""

    def __init__(self):
        super().__init__("t.csv")
        self.refused: set[int] = set()

    def rows(self, mask, column, message, values=None) -> None:
        self.refused.update(np.flatnonzero(np.asarray(mask, dtype=bool)).tolist())


def _typed(column, cells: list) -> tuple[pd.Series, set[int]]:
    out = _Every()
    values = column.parse(pd.Series(cells, dtype="str"), out)
    return values, out.refused


def _same(fast, typed) -> bool:
    if fast is None or (isinstance(fast, float) and np.isnan(fast)):
        return pd.isna(typed)
    if isinstance(typed, pd.Timestamp):
        return typed.date() == fast
    return fast == typed


@pytest.mark.parametrize("column", [*BY_TYPE.values(), OPTIONAL_DAY, YES_NO], ids=lambda c: c.field)
@pytest.mark.parametrize("space", ["", *SPACES])
def test_every_sure_row_reads_as_the_typed_column_reads_it(column, space):
    cells = [c + space if c else c for c in CELLS["yes_no" if column is YES_NO else type(column)]]
    cells = cells * 3  # a column of repeated cells is read by its distinct values
    values, unsure = arrow_cells.read([column], {column.field: pa.array(cells)}, len(cells))
    typed, refused = _typed(column, cells)
    fast = values[column.field].to_pylist()
    for i, cell in enumerate(cells):
        if i in refused:
            assert unsure[i], f"{cell!r}: refused by the typed column, taken by Arrow"
        elif not unsure[i]:
            assert _same(fast[i], typed.iloc[i]), f"{cell!r}: {fast[i]!r} against {typed.iloc[i]!r}"
    assert not unsure[[i for i, c in enumerate(cells) if c in ("SKHCN", "05/11/2024", "Trực tuyến", "Có", "12")]].any()
    if isinstance(column, Day):  # a system's export, a time of day after each day: read here, not row by row
        exported = [i for i, c in enumerate(cells) if c.strip() in ("05/11/2024 08:30:15", "2024-11-05T08:30:15.123",
                                                            "05-11-2024", "2024-11-05T08:30:15,123", "05.11.2024",
                                                            "2024-11-05 08:30:15.123456789")]
        assert not unsure[exported].any() and {fast[i] for i in exported} == {date(2024, 11, 5)}
        # a moment with its zone is its day in Vietnam (UTC+7), on both paths
        zoned = [i for i, c in enumerate(cells) if c.strip() in ("2024-11-04T17:00:00.000Z", "04/11/2024 23:30-05:00",
                                                                 "2024-11-06T01:30+0900", "2024-11-05T16:59:59Z")]
        assert not unsure[zoned].any() and {fast[i] for i in zoned} == {date(2024, 11, 5)}
        assert {typed.iloc[i].date() for i in zoned} == {date(2024, 11, 5)}


@pytest.mark.parametrize("column", [*BY_TYPE.values(), OPTIONAL_DAY, YES_NO], ids=lambda c: c.field)
def test_a_column_read_as_a_dictionary_reads_as_the_same_cells_plain(column):
    """Parquet and CSV columns of few values arrive as dictionaries (each distinct cell once): the same values and
    the same rows left to the typed columns as the plain cells, a null cell included, and an unused word of the
    dictionary (a row group's, not the slice's) read but never spread."""
    cells = CELLS["yes_no" if column is YES_NO else type(column)] * 2
    plain = arrow_cells.read([column], {column.field: pa.array(cells)}, len(cells))
    words = pa.array(["không dùng"] + sorted(set(cells)))
    indices = pa.array([words.to_pylist().index(c) for c in cells], pa.int32())
    coded = arrow_cells.read([column], {column.field: pa.DictionaryArray.from_arrays(indices, words)}, len(cells))
    assert coded[1].tolist() == plain[1].tolist()
    assert coded[0][column.field].to_pylist() == plain[0][column.field].to_pylist()
    with_null = pa.DictionaryArray.from_arrays(pa.array([1, None], pa.int32()), words)
    assert arrow_cells.read([column], {column.field: with_null}, 2)[1].tolist() == \
        arrow_cells.read([column], {column.field: pa.array([words[1].as_py(), None])}, 2)[1].tolist()


def test_typed_cells_of_a_parquet_file():
    stamps = pa.array([datetime(2024, 11, 5, 8, 30), None, datetime(1800, 1, 1), datetime(2024, 2, 29)])
    values, unsure = arrow_cells.read([COLUMNS[3]], {"received": stamps}, 4)
    assert unsure.tolist() == [False, True, True, False]
    assert [str(v) for v in values["received"].to_pylist()] == ["2024-11-05", "None", "1800-01-01", "2024-02-29"]
    counts = pa.array([0, 3, None, -1], pa.int64())
    values, unsure = arrow_cells.read([COLUMNS[11]], {"supplements": counts}, 4)
    assert unsure.tolist() == [False, False, True, True]
    floats = pa.array([1.0, 1.5, float("inf"), float("nan")])
    assert arrow_cells.read([COLUMNS[11]], {"supplements": floats}, 4)[1].tolist() == [False, True, True, True]
    codes = pa.array([12, 13], pa.int64())  # a code the file stores as a number: the typed column warns of it
    assert arrow_cells.read([COLUMNS[0]], {"unit": codes}, 2)[1].all()
