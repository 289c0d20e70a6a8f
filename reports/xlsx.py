"""Workbooks saved byte for byte the same for the same content: fixed document dates, fixed zip times."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def save_workbook(wb: Workbook, path: Path, when: datetime = FIXED_TIME) -> Path:
    """Save ``wb`` so that the same cells give the same bytes (openpyxl stamps the time of saving)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return path


def frame_to_workbook(frame, sheet: str = "Dữ liệu") -> Workbook:
    """A plain sheet: the frame's columns as row 1, its rows below (missing values as empty cells)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        ws.append(list(row))
    return wb
