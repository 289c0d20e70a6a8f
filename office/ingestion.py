"""Files into the record, through the one validating path (``store.ingest``), and the rule sets' own checks."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from office.errors import Refused
from store.ingest import KINDS, IngestError, IngestResult, ingest_file
from store.ingest.files import FileStatus, ingest_files

__all__ = ["KINDS", "FileStatus", "IngestError", "IngestResult", "ingest", "ingest_many", "check_kind"]


def check_kind(kind: str | None) -> None:
    if kind and kind not in KINDS:
        raise Refused(f"không có loại «{kind}»; chọn một trong: {', '.join(KINDS)}", field="--kind")


def ingest(engine: Engine, path: Path, kind: str | None = None, year: int | None = None,
           progress=None) -> IngestResult:
    """Validate a file whole and land it as one batch, or refuse it whole (``IngestError`` names the rows)."""
    check_kind(kind)
    return ingest_file(engine, path, kind=kind, year=year, progress=progress)


def ingest_many(engine: Engine, paths: list[Path], kind: str | None = None, year: int | None = None,
                progress=None) -> list[FileStatus]:
    """Check every file, then land them all in one transaction or none; each file's status (``IngestError``
    carries them when one was refused)."""
    check_kind(kind)
    return ingest_files(engine, paths, kind=kind, year=year, progress=progress)
