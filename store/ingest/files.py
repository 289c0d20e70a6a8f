"""Files ingested together: every one read and checked first, then all written in one transaction, or none.

A file that refers to another of the same command (people to the units of a units file) is checked after it,
inside the same transaction, so it sees it; files are taken in the order their kinds depend on each other,
whatever order they were named in. Every file gets a status: landed, already landed before, refused with its
problems, or valid but not written because another file was refused.
"""

from __future__ import annotations

import getpass
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from store import dossier_data, models, outbox
from store.db import serialize_writes
from store.ingest import (KINDS, IngestResult, _landed, _period_code, corrected_since, detect_kind, dossiers, facts,
                          header_fields, landed_before, parse, sha256_of, streamed)
from store.ingest.kind import Context, Kind
from store.ingest.problems import Collector, IngestError, Problem
from store.ingest.reading import WORKBOOK_SUFFIXES, Sheet, header_said, joined, read_parts

ORDER = {code: i for i, code in enumerate(KINDS)}


@dataclass
class FileStatus:
    path: Path
    kind: Kind | None = None
    result: IngestResult | None = None  # landed, or found already landed
    problems: list[Problem] = field(default_factory=list)  # refused for these
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    held: bool = False  # valid, but not written: another file of the same command was refused
    label: str = ""  # how messages name the file when its name alone would not tell it from another of the command

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def name(self) -> str:
        return self.label or self.path.name


def _labelled(statuses: list[FileStatus]) -> None:
    """Files of one command that share a name (d1/don_vi.csv, d2/don_vi.csv) are named by their paths."""
    names = Counter(st.path.name for st in statuses)
    for st in statuses:
        if names[st.path.name] > 1:
            st.label = str(st.path)


@dataclass
class _Pending:
    status: FileStatus
    kind: Kind
    frame: pd.DataFrame | streamed.Staged
    out: Collector
    digest: str


def _prepare(engine: Engine, status: FileStatus, kind: Kind | None, year: int | None,
             again: bool = False) -> _Pending | None:
    """Read and parse a file alone (nothing of the store but whether its bytes landed already)."""
    path = status.path
    if path.is_dir():
        raise IngestError([Problem(str(path), f"là một thư mục, không phải tệp: hãy chỉ ra các tệp trong đó "
                                              f"(ví dụ {path / '*.xlsx'})")])
    if path.exists() and not path.is_file():  # a pipe, a device (a link to /dev/zero): never a spreadsheet
        raise IngestError([Problem(str(path), "không phải tệp thường (đường ống, thiết bị…): hãy chỉ ra tệp dữ liệu")])
    if not path.is_file():
        raise IngestError([Problem(str(path), "không tìm thấy tệp")])
    try:
        return _prepare_found(engine, status, kind, year, again)
    except FileNotFoundError:
        if path.exists():
            raise
        # taken away while it was read (a watched folder's file moved back by its sender): refused, not a failure
        raise IngestError([Problem(str(path), "tệp đã bị xóa hoặc chuyển đi trong khi đang đọc")]) from None
    except PermissionError as err:
        if err.filename is not None and Path(err.filename) != path:
            raise  # the data folder's, not the file's: a failure of the installation
        # a file its sender saved for themselves alone (a shared folder, another account)
        raise IngestError([Problem(str(path), "không có quyền đọc tệp: cấp quyền đọc cho tài khoản chạy cchc "
                                              "rồi nhập lại")]) from None


def _version(path: Path) -> tuple[int, int]:
    """What tells one version of a file from the next without reading it: its size and time of change."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _prepare_found(engine: Engine, status: FileStatus, kind: Kind | None, year: int | None,
                   again: bool = False) -> _Pending | None:
    before = _version(status.path)
    digest = _Digest(engine, status.path, again)
    try:
        item = _read(engine, status, kind, digest)
    except (IngestError, streamed.Landed):
        if digest.landed() is None:
            raise
        item = None  # the same bytes landed before: as they were then, whatever reading them now would say
    try:
        done = digest.landed()
        if item is not None and _version(status.path) != before:
            # the digest and the rows may be of two versions: a batch would record bytes it does not hold
            raise IngestError([Problem(str(status.path), "tệp đã thay đổi trong khi đang đọc (có thể đang được "
                                                          "chép hoặc lưu): chờ ghi xong rồi nhập lại")])
    except BaseException:
        if item is not None and isinstance(item.frame, streamed.Staged):
            item.frame.discard()
        raise
    if done is not None:
        if item is not None and isinstance(item.frame, streamed.Staged):
            item.frame.discard()
        status.kind = KINDS.get(done.kind, kind)
        status.problems, status.warnings, status.notes = [], [], []
        with Session(engine) as s:
            _found_landed(s, status, done, year)
        return None
    return item


def _found_landed(s: Session, status: FileStatus, done: models.IngestBatch, year: int | None) -> None:
    """The status of a file whose bytes landed before as batch ``done``: the year its dossiers landed as, and a
    ``--year`` that would have read them as another year said to be unused (the same bytes land once)."""
    landed_as = s.scalar(select(models.DossierDataset.year).where(models.DossierDataset.batch_id == done.id))
    status.result = IngestResult(KINDS.get(done.kind, status.kind), done.id, done.rows, already=True, year=landed_as,
                                 warnings=status.warnings)
    if (later := corrected_since(s, done)) is not None:  # sent back: what it gave may have been corrected since
        status.warnings.append(Problem(status.name, f"sau lô này còn có lô #{later.id} ({later.file_name}) cùng loại: số "
                                                    "liệu nào lô sau ghi lại thì số liệu của lô sau là hiện hành; để số "
                                                    "liệu của tệp này là hiện hành, nhập lại với --lai"))
    if year is not None and landed_as is not None and year != landed_as:
        status.warnings.append(Problem(status.name, f"--year {year} không dùng: tệp này đã được nhập là hồ sơ năm "
                                                    f"{landed_as} (lô #{done.id})"))


def _read(engine: Engine, status: FileStatus, kind: Kind | None, digest: _Digest) -> _Pending:
    path = status.path
    staged = _streamed(engine, status, kind, digest)
    if staged is not None:
        return staged
    if digest.landed() is not None:  # a file read whole is read only when its bytes are new
        raise streamed.Landed()
    parts = read_parts(path, [kind] if kind else KINDS.values())
    sheet = next(parts)
    status.notes = list(sheet.notes)
    status.kind = kind or detect_kind(list(sheet.frame.columns), path.name, sheet.header_row)
    if status.kind.code == dossiers.KIND.code and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _staged_parts(engine, status, sheet, parts, digest)
    sheet = joined(sheet, parts)
    status.notes = sheet.notes
    out = Collector(path.name, sheet.numbers, sheet.header_row, sheet.epoch)
    frame = parse(status.kind, sheet.frame, out)
    status.warnings = out.warnings
    out.raise_if_any()
    if status.kind.code == dossiers.KIND.code:  # on disk until the transaction, as a streamed file
        frame = streamed.stage_frame(engine, frame, sheet.numbers)
        try:
            streamed.cased_codes(engine, frame, status.kind, out)
            out.raise_if_any()
        except BaseException:
            frame.discard()
            raise
    return _Pending(status, status.kind, frame, out, digest.value())


def _staged_parts(engine: Engine, status: FileStatus, first: Sheet, parts: Iterator[Sheet], digest: _Digest) -> _Pending:
    """A workbook of dossiers typed and staged part by part (``streamed.stage_parts``), its first part read."""
    out = streamed.StreamCollector(status.path.name, first.header_row)
    out.epoch = first.epoch
    by_field = header_fields(status.kind, first.frame, out)

    def noted(parts: Iterator[Sheet]) -> Iterator[Sheet]:  # the notes of how each part was read, as it is read
        for part in parts:
            if part is not first:
                status.notes.extend(part.notes)
            yield part

    staged = streamed.stage_parts(engine, status.kind, noted(chain([first], parts)), by_field, out,
                                  landed=digest.found_landed)
    status.warnings = out.warnings
    return _Pending(status, status.kind, staged, out, digest.value())


class _Digest:
    """A file's sha256, worked out by a thread of its own while the file is read and checked (hashlib lets go of
    Python's lock): a gigabyte costs a second of a core, which no longer comes before the reading. Whether the
    bytes landed before is asked once the digest is known: reading a file found landed stops there."""

    def __init__(self, engine: Engine, path: Path, again: bool = False):
        import threading

        self._engine, self._digest, self._error, self._asked, self._again = engine, None, None, False, again
        self._done: models.IngestBatch | None = None
        self._thread = threading.Thread(target=self._work, args=(path,), name="sha256", daemon=True)
        self._thread.start()

    def _work(self, path: Path) -> None:
        try:
            self._digest = sha256_of(path)
        except BaseException as err:  # noqa: BLE001 - raised by value(), in the reading thread
            self._error = err

    def value(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._digest

    def landed(self) -> models.IngestBatch | None:
        """The batch that holds these bytes already, if any (waits for the digest)."""
        if not self._asked:
            done = _landed(self._engine, self.value())
            # sent «again» on purpose, it is read and lands anew; a dossier file's bytes land once all the same
            self._done = None if self._again and done is not None and done.kind != dossiers.KIND.code else done
            self._asked = True
        return self._done

    def found_landed(self) -> bool:
        """Whether the bytes are known, by now, to have landed already (never waits)."""
        return not self._thread.is_alive() and self.landed() is not None


def _streamed(engine: Engine, status: FileStatus, kind: Kind | None, digest: _Digest) -> _Pending | None:
    """A dossier file (CSV or Parquet) checked slice by slice, never whole in memory (store.ingest.streamed);
    None for any other file, or one that path cannot read as it is."""
    kinds = [kind] if kind else list(KINDS.values())
    head = streamed.headers_of(status.path, kinds)
    if head is None:
        return None
    headers, header_row, taken = head
    chosen = kind or detect_kind(headers, status.path.name, header_row)
    if chosen.code != dossiers.KIND.code:
        return None
    out = streamed.StreamCollector(status.path.name, header_row)
    staged = streamed.stage(engine, status.path, chosen, kinds, out, landed=digest.found_landed)
    if staged is None:
        return None
    status.kind = chosen
    if header_row > 1:
        status.notes = [header_said(header_row - taken, taken)]
    status.warnings = out.warnings
    return _Pending(status, chosen, staged, out, digest.value())


Written = Callable[[Session, list["FileStatus"]], None]


def ingest_files(engine: Engine, paths: list[Path], kind: str | None = None, year: int | None = None,
                 user: str | None = None, progress: Callable[[str, int], None] | None = None,
                 written: Written | None = None, again: bool = False) -> list[FileStatus]:
    """Ingest ``paths`` all or nothing; their statuses in the order given. Raises ``IngestError`` (its
    ``statuses`` telling what became of each file) when any file is refused: then nothing was written.
    ``written(session, statuses)``: called inside the transaction once every file is written (an audit entry
    lands with the data, or neither does). ``again``: files whose bytes landed before land again, as batches of
    their own, their values current once more (an earlier file sent back after a later one corrected it); a dossier
    file's bytes land once all the same (its dossiers are versions by their keys)."""
    user = user or getpass.getuser()
    chosen = KINDS[kind] if kind else None
    made = dossier_data.absent_folders(engine)
    try:
        with dossier_data.one_database(engine):
            return _ingest_files(engine, paths, chosen, year, user, progress, written, again)
    finally:
        dossier_data.tidy(made)


def _ingest_files(engine: Engine, paths: list[Path], chosen: Kind | None, year: int | None, user: str,
                  progress: Callable[[str, int], None] | None, written: Written | None,
                  again: bool = False) -> list[FileStatus]:
    statuses = [FileStatus(Path(p)) for p in paths]
    _labelled(statuses)
    pending: list[_Pending] = []
    try:
        for status in statuses:
            try:
                item = _prepare(engine, status, chosen, year, again)
            except IngestError as err:
                status.problems = err.problems
                continue
            if item is not None:
                pending.append(item)
    except BaseException:  # an error of another kind (a full disk, an interruption): nothing staged stays
        _discard(pending)
        raise
    if any(st.refused for st in statuses):
        for item in pending:
            item.status.held = True
        _discard(pending)
        _raise_if_refused(statuses)
    pending.sort(key=lambda item: ORDER[item.kind.code])
    redeclared = _redeclared(pending)
    try:
        with Session(engine) as s, s.begin():
            serialize_writes(s)
            fresh: set[int] = set()  # the batches of this command: the same bytes named twice land once
            together: dict[int, str] = {}  # … and those it wrote, with their file's name
            for item in pending:
                _check_and_load(s, engine, item, user, year, progress, redeclared, again, fresh, together)
                if item.status.result is not None:
                    fresh.add(item.status.result.batch_id)
                    if not item.status.result.already:
                        together[item.status.result.batch_id] = item.status.path.name
            # among the files that passed their own checks and are new: a refused file's rows say nothing
            _keys_across_files([item for item in pending if not item.status.refused
                                and not (item.status.result and item.status.result.already)])
            if any(st.refused for st in statuses):
                for item in pending:
                    if not item.status.refused and not (item.status.result and item.status.result.already):
                        item.status.held, item.status.result = True, None
                _raise_if_refused(statuses)  # inside the transaction: what was written for the others goes back
            if written is not None:
                written(s, statuses)
    finally:
        _discard(pending)
    return statuses


def _keys_across_files(pending: list[_Pending]) -> None:
    """A record two files of one command both give differently (a person's rating, a unit, a figure): which holds
    had depended on the order the files were named in, the last winning without a word. Refused in the later file,
    naming the other's row; the same record alike in both is no question. Dossiers re-sent are later versions by
    design, and the same bytes named twice land once."""
    seen: dict[tuple, tuple[str, int, tuple]] = {}
    digests = set()
    for item in pending:
        if isinstance(item.frame, streamed.Staged) or item.digest in digests:
            continue
        digests.add(item.digest)
        kind, frame = item.kind, item.frame
        keys = frame[list(kind.key)].astype(str)
        if "period" in kind.key:
            keys = keys.assign(period=[_period_code(p) if p else p for p in keys["period"]])
        filled = keys.drop(columns=list(kind.blank_in_key)).ne("").all(axis=1).to_numpy()
        names = kind.key_names
        column = next(c.header for c in kind.columns if c.field == kind.key[0])
        values = frame.drop(columns=list(kind.key)).astype(str)
        mine = {}
        for pos, (key, said) in enumerate(zip(keys.itertuples(index=False, name=None),
                                             values.itertuples(index=False, name=None))):
            if not filled[pos]:
                continue
            where = seen.get((kind.code, key))
            if where is not None and where[2] != said:
                item.status.result = None
                item.status.problems.append(Problem(item.status.path.name, f"trùng khóa ({names}) với dòng {where[1]} "
                                                    f"của tệp {where[0]} trong cùng lệnh: không rõ giá trị nào đúng; "
                                                    "bỏ một trong hai dòng, hoặc nhập từng tệp một",
                                                    item.out.row_of(pos), column))
            mine.setdefault((kind.code, key), (item.status.path.name, item.out.row_of(pos), said))
        seen.update(mine)


def _redeclared(pending: list[_Pending]) -> frozenset[tuple[str, str, str]]:
    """The figures (unit, period code, indicator) the figures files of one command declare: written after its
    dossiers, they replace the figures of the store the dossiers' counts would otherwise be checked against."""
    return frozenset((unit, _period_code(period), indicator) for item in pending if item.kind.code == facts.KIND.code
                     for unit, period, indicator in zip(item.frame["unit"], item.frame["period"],
                                                        item.frame["indicator"]))


def _discard(pending: list[_Pending]) -> None:
    """Rows staged on disk for a file that was refused, held or found landed already."""
    for item in pending:
        if isinstance(item.frame, streamed.Staged):
            item.frame.discard()


def _check_and_load(s: Session, engine: Engine, item: _Pending, user: str, year: int | None, progress,
                    redeclared: frozenset[tuple[str, str, str]], again: bool = False,
                    fresh: set[int] = frozenset(), together: dict[int, str] | None = None) -> None:
    """Check one file against the store as this transaction sees it (the files before it included), and write
    it. Once a file is refused, the others are still checked and written, for their own statuses (a file after
    them may refer to them); the transaction then goes back whole."""
    status, name = item.status, item.status.path.name
    done = landed_before(s, item.digest)
    if done is not None and again and done.kind != dossiers.KIND.code and done.id not in fresh:
        done = None  # sent again on purpose: it lands anew (named twice in this command, it lands once)
    if done is not None:  # the same bytes: named twice, or landed while this one was being read
        _found_landed(s, status, done, year)
        return
    if year is not None and item.kind.code != dossiers.KIND.code:  # said, rather than left unused without a word
        status.warnings.append(Problem(name, f"--year {year} chỉ dùng cho tệp hồ sơ TTHC, không dùng cho tệp "
                                             f"{item.kind.title.lower()}"))
    ctx = Context(engine, name, year=year, session=s, redeclared=redeclared, together=dict(together or {}),
                  progress=(lambda n: progress(name, n)) if progress else None)
    item.kind.check(ctx, item.frame, item.out)
    if item.out.problems:
        status.problems = item.out.problems
        return
    batch = models.IngestBatch(kind=item.kind.code, file_name=name, sha256=item.digest, rows=len(item.frame),
                               created_at=datetime.now().replace(microsecond=0), created_by=user)
    s.add(batch)
    s.flush()
    B = models.IngestBatch
    if before := s.scalar(select(B.id).where(B.sha256 == item.digest, B.id != batch.id).order_by(B.id.desc()).limit(1)):
        status.notes = [*status.notes, f"tệp này đã được nhập ở lô #{before}; nhập lại (--lai): số liệu của tệp này là "
                                       "số liệu hiện hành"]
    try:
        loaded = item.kind.load(s, item.frame, ctx, batch.id)
    except IngestError as err:  # what only its writing tells (its counts against what is declared): refused alike
        status.problems = err.problems
        return
    outbox.queue_ingested(s, batch.id, item.kind.code, len(item.frame), loaded)
    status.result = IngestResult(item.kind, batch.id, len(item.frame), loaded=loaded, warnings=status.warnings,
                                 notes=status.notes)


def _raise_if_refused(statuses: list[FileStatus]) -> None:
    for st in statuses:
        if st.label:
            st.problems = [replace(p, file=st.label) if p.file == st.path.name else p for p in st.problems]
    problems = [p for st in statuses for p in st.problems]
    if problems:
        raise IngestError(problems, statuses)
