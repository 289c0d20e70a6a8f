"""What a document is, independent of its format: the administrative frame of Nghị định 30/2020/NĐ-CP
(issuing body, national motto, number, place and date, title, recipients, signature) around a body of
blocks — headings, paragraphs, bullets, tables and figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Callable

from base.vn import day_line, doc_number


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    # per column: "text", "int" (1.234), "dec" (98,35), "pct" (98,3%), "date"
    kinds: tuple[str, ...] = ()
    title: str = ""
    key: int | None = None  # the column holding a unit code; in HTML the next column links to its page

    def kind(self, i: int) -> str:
        return self.kinds[i] if i < len(self.kinds) else "text"

    def places(self, i: int) -> int | None:
        """The decimals every number of a «dec» or «pct» column shows: as many as its most precise value needs, up
        to two (one for a percentage), so that a column reads alike down the page (76,50 above 76,63)."""
        return self._places[i] if i < len(self._places) else None

    @cached_property
    def _places(self) -> tuple[int | None, ...]:
        out = []
        for i in range(len(self.columns)):
            top = {"dec": 2, "pct": 1}.get(self.kind(i))
            values = [r[i] for r in self.rows if i < len(r)] if top else []
            numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
                       and math.isfinite(v)]
            out.append(max((next(k for k in range(top + 1) if round(v, k) == round(v, top)) for v in numbers),
                           default=0) if top else None)
        return tuple(out)


@dataclass(frozen=True, eq=False)
class Figure:
    title: str
    render: Callable[[str], bytes | str]  # "png" (for DOCX) or "svg" (for HTML) → the picture

    @cached_property
    def png(self) -> bytes:
        return self.render("png")

    @cached_property
    def svg(self) -> str:
        return self.render("svg")


@dataclass(frozen=True)
class Block:
    kind: str  # title, subtitle, h1, h2, p, bullet, table, figure
    text: str = ""
    table: Table | None = None
    figure: Figure | None = None


@dataclass(frozen=True)
class Signature:
    authority: str  # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"
    title: str  # "PHÓ GIÁM ĐỐC", "Q. CHỦ TỊCH"
    name: str


@dataclass(frozen=True)
class Frame:
    parent_body: str  # "UBND TỈNH LAI CHÂU"
    body: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    body_code: str  # "SKHCN" in "Số: 778/KH-SKHCN"
    type_code: str  # KH, BC, QĐ, TTr, BB, TB
    place: str
    issued: date
    number: int | None = None  # None: left blank for the office to fill in when it signs
    recipients: tuple[str, ...] = ()
    signature: Signature | None = None
    cosign: Signature | None = None  # a second signer on the left (the secretary of minutes), instead of «Nơi nhận»

    @property
    def number_line(self) -> str:
        return doc_number(self.number, self.type_code, self.body_code)

    @property
    def date_line(self) -> str:
        return day_line(self.place, self.issued)


@dataclass(frozen=True)
class Document:
    kind: str
    frame: Frame
    blocks: tuple[Block, ...]
    tables: dict[str, Table] = field(default_factory=dict)  # every table, for the XLSX workbook

    @property
    def title(self) -> str:
        titles = [b.text for b in self.blocks if b.kind in ("title", "subtitle")]
        return " ".join(titles)

    @property
    def body(self) -> tuple[Block, ...]:
        """The blocks as printed: the last paragraph ends with «./.», the end of the text (the seeds' documents
        end so), its own full stop or semicolon taken in; a document ending on a table or a picture is left so."""
        if not self.blocks or self.blocks[-1].kind not in ("p", "bullet"):
            return self.blocks
        last = self.blocks[-1]
        text = last.text.rstrip()
        if not text.endswith("./."):
            text = (text[:-1] if text.endswith((".", ";", ",")) else text) + "./."
        return self.blocks[:-1] + (Block(last.kind, text, last.table, last.figure),)
