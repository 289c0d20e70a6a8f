"""Office files (DOCX, XLSX) are zip archives that carry the time they were written; with that time fixed,
the same content gives the same bytes."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible(data: bytes, when: datetime = FIXED_TIME) -> bytes:
    """The same archive with fixed document dates and fixed entry times."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()
