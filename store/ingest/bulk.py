"""Bulk writes of frames inside the caller's transaction.

ORM objects and even SQLAlchemy Core executemany cost several seconds per million rows, so a frame goes
to the driver directly: ``executemany`` with plain tuples on SQLite, ``COPY`` on PostgreSQL, Core
executemany elsewhere. Values are converted per column, vectorised, to what each driver takes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Date, DateTime
from sqlalchemy.orm import Session

CHUNK = 100_000
# PostgreSQL takes at most 65,535 parameters in a statement (SQLite here 250,000), and parses a list of keys of
# several columns into a chain of comparisons deeper than its stack beyond a few thousand: a file's keys are looked
# up in slices of this many, so that a file of 20,000 rows is read alike on both.
KEYS_PER_QUERY = 1_000


def in_slices(keys, rows_of) -> list:
    """``rows_of(part)`` (the rows a query finds for a list of keys) over slices of ``keys``, put together."""
    keys = list(keys)
    return [row for at in range(0, len(keys), KEYS_PER_QUERY) for row in rows_of(keys[at:at + KEYS_PER_QUERY])]


def _column(series: pd.Series, sql_type, dialect: str) -> list:
    """A column as a list of plain Python values the driver accepts (None for missing)."""
    if isinstance(sql_type, (Date, DateTime)) and not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        missing = series.isna().to_numpy()
        if dialect == "sqlite":  # SQLAlchemy stores SQLite dates as ISO text
            unit = "D" if isinstance(sql_type, Date) else "s"
            text = series.to_numpy().astype(f"datetime64[{unit}]").astype(str).astype(object)
            if unit == "s":
                text = np.char.replace(text.astype(str), "T", " ").astype(object)
            text[missing] = None
            return text.tolist()
        values = (series.dt.date if isinstance(sql_type, Date) else series.dt.to_pydatetime()).astype(object)
        return values.where(~missing, None).tolist()
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        return series.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.is_float_dtype(series.dtype):
        return series.astype(object).where(series.notna(), None).tolist()
    return series.tolist()


def insert_frame(session: Session, model, frame: pd.DataFrame, progress=None) -> int:
    """Append the rows of ``frame`` (columns named as the table's) to ``model``'s table."""
    if frame.empty:
        return 0
    table = model.__table__
    names = list(frame.columns)
    conn = session.connection()
    dialect = conn.dialect.name
    for start in range(0, len(frame), CHUNK):
        chunk = frame.iloc[start:start + CHUNK]
        columns = [_column(chunk[n], table.c[n].type, dialect) for n in names]
        rows = list(zip(*columns))
        if dialect == "sqlite":
            cursor = conn.connection.driver_connection.cursor()
            marks = ", ".join("?" * len(names))
            cursor.executemany(f'INSERT INTO {table.name} ({", ".join(names)}) VALUES ({marks})', rows)
        elif dialect == "postgresql" and conn.dialect.driver == "psycopg":
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(f'COPY {table.name} ({", ".join(names)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            conn.execute(table.insert(), [dict(zip(names, r)) for r in rows])
        if progress:
            progress(len(chunk))
    return len(frame)
