"""Files into the record, through the one validating path (``store.ingest``), and the rule sets' own checks."""

from __future__ import annotations

import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from office import accounts, audit
from office.errors import Refused
from store import models
from store.ingest import KINDS, IngestError, IngestResult, ingest_file
from store.ingest.files import FileStatus, ingest_files

__all__ = ["KINDS", "FileStatus", "IngestError", "IngestResult", "ingest", "ingest_many", "check_kind",
           "upload_folder", "upload_name", "ingest_uploaded", "recent_batches"]


def check_kind(kind: str | None) -> None:
    if kind and kind not in KINDS:
        raise Refused(f"không có loại «{kind}»; chọn một trong: {', '.join(KINDS)}", field="--kind")


def ingest(engine: Engine, path: Path, kind: str | None = None, year: int | None = None,
           progress=None) -> IngestResult:
    """Validate a file whole and land it as one batch, or refuse it whole (``IngestError`` names the rows)."""
    check_kind(kind)
    return ingest_file(engine, path, kind=kind, year=year, progress=progress)


def ingest_many(engine: Engine, paths: list[Path], kind: str | None = None, year: int | None = None,
                progress=None, again: bool = False) -> list[FileStatus]:
    """Check every file, then land them all in one transaction or none; each file's status (``IngestError``
    carries them when one was refused). ``again``: files landed before land anew, their values current again."""
    check_kind(kind)
    return ingest_files(engine, paths, kind=kind, year=year, progress=progress, again=again)


# --- Files sent through the portal ------------------------------------------------------------------------
# The office sends the files it would give ``cchc ingest``; they are written under names of their own into a
# folder of this request alone, then take the same path, all or nothing.

NAME_BYTES = 200  # a file system takes 255 bytes of a name; Vietnamese letters take two or three each


@contextmanager
def upload_folder(actor) -> Iterator[Path]:
    """A private folder for one request's files, gone after it (the office only: nothing is kept for others)."""
    accounts.require(actor, "quan_tri")
    with tempfile.TemporaryDirectory(prefix="cchc-tai-len-") as folder:
        yield Path(folder)


def upload_name(sent: str, taken: set[str]) -> str:
    """The name a sent file is kept under: its last part only (a browser may send «C:\\…\\ho_so.csv», a forger
    «../../x»), without controls or hidden direction marks, at most NAME_BYTES bytes with its ending kept,
    and told apart from the others of the same request by « (2)», « (3)»."""
    name = unicodedata.normalize("NFC", sent.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in accounts.BIDI).strip(" .")
    stem, dot, ending = name.rpartition(".")
    if not dot or not stem or len(ending) > 10:
        stem, ending = name, ""
    ending = f".{ending}" if ending else ""
    stem = stem or "tep"
    while len(f"{stem} (999){ending}".encode()) > NAME_BYTES:  # room left for the number that tells it apart
        stem = stem[:-1]
    chosen, n = stem + ending, 2
    while chosen.casefold() in taken:
        chosen, n = f"{stem} ({n}){ending}", n + 1
    taken.add(chosen.casefold())
    return chosen


def ingest_uploaded(engine: Engine, actor, paths: list[Path], kind: str | None = None,
                    year: int | None = None) -> tuple[list[FileStatus], bool]:
    """The office's files, checked and landed as ``cchc ingest`` lands them (all or nothing), in its name and with
    an audit entry in the same transaction: each file's status, and whether they landed."""
    accounts.require(actor, "quan_tri")
    check_kind(kind)
    if not paths:
        raise Refused("chưa chọn tệp nào", "files")

    def written(session: Session, statuses: list[FileStatus]) -> None:
        landed = [st for st in statuses if st.result is not None and not st.result.already]
        if landed:
            audit.record(session, actor, "nhap_du_lieu", ", ".join(st.name for st in landed),
                         after={st.name: {"lo": st.result.batch_id, "loai": st.result.kind.code,
                                          "dong": st.result.rows} for st in landed})

    try:
        return ingest_files(engine, paths, kind=kind, year=year, user=actor.username, written=written), True
    except IngestError as err:
        if not err.statuses:
            raise
        return err.statuses, False


def recent_batches(engine: Engine, actor, limit: int = 50) -> pd.DataFrame:
    """The newest batches of every kind (the office only): what landed, from which file, when and by whom."""
    accounts.require(actor, "quan_tri")
    B = models.IngestBatch
    with Session(engine) as s:
        rows = s.execute(select(B.id, B.kind, B.file_name, B.rows, B.created_at, B.created_by)
                         .order_by(B.id.desc()).limit(limit)).all()
    frame = pd.DataFrame(rows, columns=["id", "kind", "file_name", "rows", "created_at", "created_by"])
    frame["kind"] = frame["kind"].map(lambda k: KINDS[k].title if k in KINDS else k)
    return frame
