"""Reading a Get Information about Schools (GIAS) establishment extract.

Pure parsing and validation: no database access. ``parse_gias(source)`` streams the file
row by row and returns a :class:`ParsedExtract` with the rows that may be imported, the
problems found (row number, field and reason) and the rows skipped as closed. A file that
cannot be read as a whole raises :class:`GiasFileError` with a message for the user.

Encoding: a byte-order mark means UTF-8 (``utf-8-sig``); otherwise strict UTF-8 if the
whole file decodes as UTF-8; otherwise Windows-1252, which is what GIAS serves (a curly
apostrophe is byte 0x92). UTF-16 text, Excel workbooks and other binary files are refused.

Row numbers are as a spreadsheet shows them: the header is row 1, the first school row 2.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from peerreview.core.directory.models import School

# GIAS column names (as in the establishment "all data" extract), and the School field each fills.
URN = "URN"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
PHASE = "PhaseOfEducation (name)"
STATUS = "EstablishmentStatus (name)"
POSTCODE = "Postcode"
EASTING = "Easting"
NORTHING = "Northing"
LA = "LA (name)"
TRUST = "Trusts (name)"
HEAD_TITLE = "HeadTitle (name)"
HEAD_FIRST = "HeadFirstName"
HEAD_LAST = "HeadLastName"

REQUIRED_COLUMNS = (URN, NAME)
KNOWN_COLUMNS = (URN, NAME, TYPE, PHASE, STATUS, POSTCODE, EASTING, NORTHING, LA, TRUST,
                 HEAD_TITLE, HEAD_FIRST, HEAD_LAST)

# Text columns: GIAS column -> School attribute.
TEXT_FIELDS = {
    NAME: "name",
    TYPE: "establishment_type",
    PHASE: "phase",
    STATUS: "status",
    POSTCODE: "postcode",
    LA: "local_authority",
    TRUST: "trust_name",
}
HEAD_NAME_FIELD = "HeadTitle (name), HeadFirstName, HeadLastName"

# The fields an import sets on a School, in the order they are shown.
SCHOOL_FIELDS = ("name", "establishment_type", "phase", "status", "postcode", "easting", "northing",
                 "local_authority", "trust_name", "head_name")

CLOSED = "closed"
MAX_URN = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL
MAX_COORDINATE = 2**31 - 1
SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024


def column_length(attribute: str) -> int | None:
    """The longest value the School column takes (the models are the one place that says so)."""
    return getattr(School.__table__.c[attribute].type, "length", None)


class GiasFileError(ValueError):
    """The file as a whole cannot be read: nothing in it is imported. ``str()`` is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """One valid, open establishment from the file, as School field values."""

    row: int
    urn: int
    name: str
    establishment_type: str | None = None
    phase: str | None = None
    status: str | None = None
    postcode: str | None = None
    easting: int | None = None
    northing: int | None = None
    local_authority: str | None = None
    trust_name: str | None = None
    head_name: str | None = None

    def values(self) -> dict:
        return {name: getattr(self, name) for name in SCHOOL_FIELDS}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row is not imported: its row number, the GIAS column and the reason."""

    row: int
    field: str
    reason: str  # a lazy string: translated when shown. It quotes the cell, so show it as text:

    @property
    def text(self) -> str:
        """The reason as a plain string (a lazy string counts as safe HTML in Jinja; this is escaped)."""
        return str(self.reason)

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row deliberately not imported (a closed establishment)."""

    row: int
    urn: int | None
    name: str
    reason: str = CLOSED


@dataclass
class ParsedExtract:
    rows: list[SchoolRow] = field(default_factory=list)  # valid, open, URN once in the file
    problems: list[Problem] = field(default_factory=list)  # sorted by row
    closed: list[SkippedRow] = field(default_factory=list)
    encoding: str = "utf-8"
    total_rows: int = 0  # rows with anything in them, header excluded

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})


# ---------------------------------------------------------------------------------------
# Encoding


def _open_seekable(source) -> tuple[BinaryIO, bool]:
    """A seekable binary stream for bytes, a path or a file object; True if we must close it."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), True
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb"), True
    if hasattr(source, "seekable") and source.seekable():
        return source, False
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    shutil.copyfileobj(source, spool, CHUNK_BYTES)
    spool.seek(0)
    return spool, True


SAVE_AS_CSV = _l("Open it in your spreadsheet program and save it as \u201cCSV (comma delimited)\u201d or "
                 "\u201cCSV UTF-8\u201d, then upload that file.")


def detect_encoding(stream: BinaryIO) -> str:
    """Decide how to decode the file, reading it once; leaves the stream at its start."""
    start = stream.tell()
    head = stream.read(SNIFF_BYTES)
    if not head.removeprefix(codecs.BOM_UTF8).strip(b" \t\r\n"):
        raise GiasFileError(_l("The file is empty. Download the establishment extract from GIAS and upload it again."))
    if head.startswith(b"PK\x03\x04"):
        raise GiasFileError(_l("The file is an Excel workbook, not a CSV file. %(fix)s", fix=SAVE_AS_CSV))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise GiasFileError(_l("The file is an old-style Excel workbook, not a CSV file. %(fix)s", fix=SAVE_AS_CSV))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or max(head[0::2].count(0), head[1::2].count(0)) > len(head) // 4:
            raise GiasFileError(_l("The file is saved as \u201cUnicode text\u201d (UTF-16), which cannot be read. %(fix)s",
                                   fix=SAVE_AS_CSV))
        raise GiasFileError(_l("The file is not a CSV text file. %(fix)s", fix=SAVE_AS_CSV))
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    # One pass over the whole file: strict UTF-8, else Windows-1252; NUL bytes mean binary.
    stream.seek(start)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    fallback = codecs.getincrementaldecoder("cp1252")("strict")
    try_utf8 = True
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if b"\x00" in chunk:
            raise GiasFileError(_l("The file is not a CSV text file. %(fix)s", fix=SAVE_AS_CSV))
        final = not chunk
        if try_utf8:
            try:
                decoder.decode(chunk, final)
            except UnicodeDecodeError:
                if encoding == "utf-8-sig":
                    stream.seek(start)
                    raise GiasFileError(_l("The file starts as UTF-8 but has characters that are not UTF-8. %(fix)s",
                                           fix=SAVE_AS_CSV)) from None
                try_utf8 = False
                encoding = "cp1252"
                stream.seek(start)
                continue
        else:
            try:
                fallback.decode(chunk, final)
            except UnicodeDecodeError:
                stream.seek(start)
                raise GiasFileError(_l("The file has characters that are neither UTF-8 nor Windows-1252, so it "
                                       "cannot be read. %(fix)s", fix=SAVE_AS_CSV)) from None
        if final:
            break
    stream.seek(start)
    return encoding


# ---------------------------------------------------------------------------------------
# Values


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _whole_number(value: str) -> int | None:
    """"123", " 123 ", "123.0" (as spreadsheets sometimes write) -> 123; otherwise None."""
    text = value.strip()
    match = re.fullmatch(r"\+?(\d+)(?:\.0+)?", text)
    return int(match.group(1)) if match else None


def head_name(title: str | None, first: str | None, last: str | None) -> str | None:
    """ "Mrs", "Jane", "Smith" -> "Mrs Jane Smith", empty parts skipped. GIAS writes
    "Not applicable" as a title where there is none; that is skipped too."""
    parts = [p for p in (_clean(title), _clean(first), _clean(last)) if p]
    if parts and parts[0].lower() in {"not applicable", "n/a"}:
        parts = parts[1:]
    return " ".join(parts) or None


def _quote_plain(value: str, limit: int = 40) -> str:
    value = value.strip()
    return '"' + (value if len(value) <= limit else value[:limit] + "...") + '"'


# ---------------------------------------------------------------------------------------
# Parsing


def _header_index(header: list[str]) -> dict[str, int]:
    wanted = {name.lower(): name for name in KNOWN_COLUMNS}
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = wanted.get(" ".join(cell.split()).lower())
        if name and name not in index:
            index[name] = position
    return index


def _check_header(header: list[str] | None, index: dict[str, int]) -> None:
    if header is None or not any(cell.strip() for cell in header):
        raise GiasFileError(_l("The file has no column names in its first row. The first row must be the "
                               "column names from GIAS, such as URN and EstablishmentName."))
    missing = [name for name in REQUIRED_COLUMNS if name not in index]
    if not missing:
        return
    first = header[0]
    if len(header) == 1 and (";" in first or "\t" in first):
        raise GiasFileError(_l("The columns in the file are not separated by commas. %(fix)s", fix=SAVE_AS_CSV))
    if any(_whole_number(cell) is not None for cell in header):
        raise GiasFileError(_l("The first row of the file must be the column names from GIAS, such as URN and "
                               "EstablishmentName, but it looks like a school."))
    raise GiasFileError(_l("The file has no %(columns)s column. Use the establishment extract from Get "
                           "Information about Schools, which has URN and EstablishmentName columns.",
                           columns=" or ".join(missing)))


def _text_problem(row: int, column: str, value: str | None, attribute: str) -> Problem | None:
    limit = column_length(attribute)
    if value is not None and limit is not None and len(value) > limit:
        return Problem(row, column, _l("%(value)s is longer than %(limit)d characters", value=_quote_plain(value),
                                       limit=limit))
    return None


def parse_row(row_number: int, cells: list[str], index: dict[str, int]) -> tuple[SchoolRow | SkippedRow | None, list[Problem]]:
    """Validate one data row. Returns (SchoolRow, []) for a good open row, (SkippedRow, [])
    for a closed one, (None, problems) for a bad one."""

    def cell(name: str) -> str:
        position = index.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position]

    problems: list[Problem] = []
    raw_urn = cell(URN)
    urn = _whole_number(raw_urn)
    if not raw_urn.strip():
        problems.append(Problem(row_number, URN, _l("is missing")))
    elif urn is None or urn <= 0 or urn > MAX_URN:
        problems.append(Problem(row_number, URN, _l("%(value)s is not a whole number", value=_quote_plain(raw_urn))))
        urn = None

    name = _clean(cell(NAME))
    status = _clean(cell(STATUS))
    if status and status.lower() == CLOSED:
        return SkippedRow(row_number, urn, name or ""), []

    values: dict = {"row": row_number, "urn": urn}
    if name is None:
        problems.append(Problem(row_number, NAME, _l("is missing")))
    for column, attribute in TEXT_FIELDS.items():
        value = _clean(cell(column))
        if column == POSTCODE and value:
            value = value.upper()
        values[attribute] = value
        problem = _text_problem(row_number, column, value, attribute)
        if problem:
            problems.append(problem)
    for column, attribute in ((EASTING, "easting"), (NORTHING, "northing")):
        raw = cell(column)
        number = _whole_number(raw) if raw.strip() else None
        if raw.strip() and (number is None or number > MAX_COORDINATE):
            problems.append(Problem(row_number, column, _l("%(value)s is not a whole number", value=_quote_plain(raw))))
        values[attribute] = number
    values["head_name"] = head_name(cell(HEAD_TITLE), cell(HEAD_FIRST), cell(HEAD_LAST))
    problem = _text_problem(row_number, HEAD_NAME_FIELD, values["head_name"], "head_name")
    if problem:
        problems.append(problem)

    if problems:
        return None, problems
    return SchoolRow(**values), []


def _records(text: io.TextIOBase) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text)
    row_number = 0
    try:
        for row_number, cells in enumerate(reader, start=1):
            yield row_number, cells
    except csv.Error as error:
        raise GiasFileError(_l("Row %(row)d of the file could not be read as CSV (%(error)s). %(fix)s",
                               row=row_number + 1, error=str(error), fix=SAVE_AS_CSV)) from None


def parse_gias(source) -> ParsedExtract:
    """Parse a GIAS extract given as bytes, a path or a binary file object.

    Streams the rows (a whole-country extract is about 50,000 rows). Raises GiasFileError
    when the file as a whole cannot be read; row-level problems are in the result instead.
    """
    stream, close = _open_seekable(source)
    try:
        encoding = detect_encoding(stream)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        try:
            return _parse_text(text, encoding)
        finally:
            text.detach()
    finally:
        if close:
            stream.close()


def _parse_text(text: io.TextIOBase, encoding: str) -> ParsedExtract:
    result = ParsedExtract(encoding=encoding)
    records = _records(text)
    header = None
    for _number, cells in records:
        header = cells
        break
    index = _header_index(header or [])
    _check_header(header, index)

    candidates: list[SchoolRow] = []
    problems: list[Problem] = []
    rows_by_urn: dict[int, list[int]] = {}
    for row_number, cells in records:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        result.total_rows += 1
        parsed, row_problems = parse_row(row_number, cells, index)
        problems.extend(row_problems)
        if isinstance(parsed, SkippedRow):
            result.closed.append(parsed)
            continue
        urn = parsed.urn if parsed else _whole_number(cells[index[URN]]) if index[URN] < len(cells) else None
        if urn:
            rows_by_urn.setdefault(urn, []).append(row_number)
        if parsed:
            candidates.append(parsed)

    if result.total_rows == 0:
        raise GiasFileError(_l("The file has column names but no schools."))

    duplicated = {urn: rows for urn, rows in rows_by_urn.items() if len(rows) > 1}
    if duplicated:
        for urn, rows in duplicated.items():
            listed = ", ".join(str(r) for r in rows)
            for r in rows:
                problems.append(Problem(r, URN, _l("%(urn)d is in the file more than once (rows %(rows)s)",
                                                   urn=urn, rows=listed)))
        candidates = [c for c in candidates if c.urn not in duplicated]

    problems.sort(key=lambda p: (p.row, KNOWN_COLUMNS.index(p.field) if p.field in KNOWN_COLUMNS else 99))
    result.rows = candidates
    result.problems = problems
    return result
