"""Provinces as tenants of one installation: a registry (``tinh.yaml`` in the working folder, or the file
``CCHC_PROVINCES`` names) maps a province's key to its name and its own store — a database of its own (a SQLite
file or a PostgreSQL database), a data directory and an output folder.

A database per province rather than a province column in every table: one province's data can never leak into
another's through a query that forgot a filter (no query changes at all), unit codes may repeat across
provinces, each province is backed up, restored and migrated on its own, and the store's write lock
(``store.db.serialize_writes``: a SQLite file's lock, a PostgreSQL advisory lock, which is per database) is
per province for free, so two provinces' years run at the same time.

Selecting a province sets the settings every layer already reads (``CCHC_DATABASE_URL``, ``CCHC_DATA_DIR``) and
``CCHC_TINH``, which the ingestion event carries so that a server re-scores the right province."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from office.errors import Refused

REGISTRY_ENV = "CCHC_PROVINCES"
KEY_ENV = "CCHC_TINH"
REGISTRY_FILE = "tinh.yaml"
FOLDER = "tinh"  # a province added without addresses gets tinh/<key>/ beside the registry
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FIELDS = {"ten", "database_url", "data_dir", "out"}
RESERVED = {"static", "suc-khoe", "health"}  # addresses of the portal of every province (/static/, /suc-khoe)


def _reserved(key: str) -> str:
    return (f"mã tỉnh «{key}» trùng một địa chỉ của Cổng CCHC các tỉnh ({', '.join(sorted(RESERVED))}): "
            "hãy chọn mã khác")


def _shown(url: str) -> str:
    """A database's address as a message shows it: its password hidden (messages reach terminals and logs)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not an address SQLAlchemy reads: shown without what follows a «:» before «@»
        return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def _hidden(name: str) -> str | None:
    """A control or invisible character of a province's name, named («U+001B»), if it has one: the name is printed
    to the operator's terminal (an escape sequence would repaint it, a line break print a line of its own) and on
    the portal's pages."""
    found = next((c for c in name if unicodedata.category(c).startswith("C")), None)
    return None if found is None else f"U+{ord(found):04X}"


def _shared_folder(data_dir: Path, provinces) -> str | None:
    """The key of a province whose data folder is ``data_dir``, or holds it, or lies inside it. A province's folder
    holds the key that signs its cookies (when CCHC_SECRET_KEY is not set), its evidence files and its dossier
    datasets: shared, one province's cookies would be signed with the other's key, its files read by the other."""
    return next((p.key for p in provinces if p.data_dir == data_dir or p.data_dir.is_relative_to(data_dir)
                 or data_dir.is_relative_to(p.data_dir)), None)


@dataclass(frozen=True)
class Province:
    key: str  # «ninh-thuan»
    name: str  # «Ninh Thuận»
    database_url: str
    data_dir: Path
    out: Path

    def environment(self) -> dict[str, str]:
        """The settings a process serving this province runs with."""
        return {KEY_ENV: self.key, "CCHC_DATABASE_URL": self.database_url, "CCHC_DATA_DIR": str(self.data_dir)}


def registry_path() -> Path:
    return Path(os.environ.get(REGISTRY_ENV) or REGISTRY_FILE).resolve()


def _resolved_url(url: str, base: Path) -> str:
    """A relative SQLite file is relative to the registry's folder (a worker runs from elsewhere)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str((base / url[len(prefix):]).resolve())
    return url


def load(path: Path | None = None) -> dict[str, Province]:
    """Every registered province, in the file's order; an empty registry when there is no file. A bad entry is
    refused naming the file, the province and the field."""
    path = path or registry_path()
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise Refused(f"{path}: không đọc được YAML ({e})", field=str(path)) from None
    if not isinstance(data, dict):
        raise Refused(f"{path}: cần một bảng «mã tỉnh: thông tin tỉnh»", field=str(path))
    found = {}
    for key, entry in data.items():
        where = f"{path}, tỉnh «{key}»"
        if not isinstance(key, str) or not KEY.match(key):
            raise Refused(f"{where}: mã tỉnh chỉ gồm chữ thường không dấu, số và dấu gạch nối (ví dụ ninh-thuan)",
                          field=str(path))
        if key in RESERVED:
            raise Refused(f"{where}: {_reserved(key)}", field=str(path))
        if not isinstance(entry, dict):
            raise Refused(f"{where}: cần các trường ten, database_url", field=str(path))
        unknown = set(entry) - FIELDS
        if unknown:
            raise Refused(f"{where}: trường không biết {', '.join(sorted(map(str, unknown)))} "
                          f"(chỉ có {', '.join(sorted(FIELDS))})", field=str(path))
        for name in ("ten", "database_url"):
            if not isinstance(entry.get(name), str) or not entry[name].strip():
                raise Refused(f"{where}: thiếu trường «{name}»", field=str(path))
        if hidden := _hidden(entry["ten"].strip()):
            raise Refused(f"{where}: trường «ten» có ký tự điều khiển hoặc ký tự ẩn ({hidden}): hãy viết lại tên tỉnh",
                          field=str(path))
        base = path.parent
        home = base / FOLDER / key
        found[key] = Province(key, entry["ten"].strip(), _resolved_url(entry["database_url"].strip(), base),
                              (base / entry.get("data_dir", home / "du-lieu")).resolve(),
                              (base / entry.get("out", home / "out")).resolve())
    urls = {}
    for p in found.values():
        if p.database_url in urls:
            raise Refused(f"{path}: tỉnh «{p.key}» và «{urls[p.database_url]}» dùng chung một CSDL "
                          f"({_shown(p.database_url)}): mỗi tỉnh cần CSDL riêng", field=str(path))
        urls[p.database_url] = p.key
    seen = []
    for p in found.values():
        if other := _shared_folder(p.data_dir, seen):
            raise Refused(f"{path}: tỉnh «{p.key}» và «{other}» dùng chung thư mục dữ liệu ({p.data_dir}): mỗi tỉnh "
                          "cần thư mục riêng, không nằm trong thư mục của tỉnh khác", field=str(path))
        seen.append(p)
    return found


def find(key: str, path: Path | None = None) -> Province:
    """The province registered under ``key``; refused with the keys that are registered."""
    provinces = load(path)
    if key in provinces:
        return provinces[key]
    known = ", ".join(provinces) or "chưa có tỉnh nào (thêm bằng «cchc tinh add»)"
    raise Refused(f"không có tỉnh «{key}» trong {path or registry_path()}; các tỉnh đã đăng ký: {known}",
                  field="--tinh")


def add(key: str, name: str, database_url: str | None = None, data_dir: Path | None = None, out: Path | None = None,
        path: Path | None = None) -> Province:
    """Register a province and create its store, migrated to the newest schema (a PostgreSQL database is created
    on its server when missing). Without addresses: a SQLite file, data and outputs under tinh/<key>/ beside the
    registry. Nothing is registered when the store cannot be made."""
    path = path or registry_path()
    provinces = load(path)
    if not KEY.match(key):
        raise Refused(f"mã tỉnh «{key}» chỉ gồm chữ thường không dấu, số và dấu gạch nối (ví dụ ninh-thuan)",
                      field="KEY")
    if key in RESERVED:
        raise Refused(_reserved(key), field="KEY")
    if key in provinces:
        raise Refused(f"tỉnh «{key}» đã có trong {path}", field="KEY")
    if not name.strip():
        raise Refused("cần tên tỉnh", field="--ten")
    if hidden := _hidden(name.strip()):
        raise Refused(f"tên tỉnh có ký tự điều khiển hoặc ký tự ẩn ({hidden}): hãy viết lại tên", field="--ten")
    entry = {"ten": name.strip(), "database_url": database_url or f"sqlite:///{FOLDER}/{key}/cchc.db"}
    if data_dir is not None:
        entry["data_dir"] = str(data_dir)
    if out is not None:
        entry["out"] = str(out)
    base = path.parent
    url = _resolved_url(entry["database_url"], base)
    taken = [p.key for p in provinces.values() if p.database_url == url]
    if taken:
        raise Refused(f"CSDL {_shown(url)} đã là của tỉnh «{taken[0]}»: mỗi tỉnh cần CSDL riêng", field="--database-url")
    folder = (base / entry.get("data_dir", Path(FOLDER) / key / "du-lieu")).resolve()
    if other := _shared_folder(folder, provinces.values()):
        raise Refused(f"thư mục dữ liệu {folder} trùng hoặc lồng trong thư mục của tỉnh «{other}»: mỗi tỉnh cần thư "
                      "mục riêng", field="--data-dir")
    _create_store(url)
    text = path.read_text(encoding="utf-8") if path.exists() else (
        "# Các tỉnh của hệ thống: mã tỉnh → tên, CSDL, thư mục dữ liệu, thư mục văn bản (cchc tinh add).\n")
    block = yaml.safe_dump({key: entry}, allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".tmp")
    staged.write_text(text + ("" if text.endswith("\n") or not text else "\n") + block, encoding="utf-8")
    os.replace(staged, path)  # the registry is whole or unchanged
    return load(path)[key]


def _create_store(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from store.db import make_engine, upgrade

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        try:
            engine.connect().close()
        except OperationalError:
            if parsed.get_backend_name() != "postgresql":
                raise
            admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
            finally:
                admin.dispose()
        upgrade(engine)
    finally:
        engine.dispose()


@contextmanager
def applied(province: Province) -> Iterator[Province]:
    """This process serves ``province`` for the duration (the settings restored afterwards)."""
    saved = {k: os.environ.get(k) for k in province.environment()}
    os.environ.update(province.environment())
    try:
        yield province
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def current_key() -> str | None:
    """The province this process serves (``CCHC_TINH``), if one was selected."""
    return os.environ.get(KEY_ENV) or None
