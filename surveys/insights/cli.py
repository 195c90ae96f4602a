"""``flask --app wsgi analyse-text [--in FILE] [--format jsonl]``.

Reads one comment per line (standard input by default; UTF-8, with or without a byte-order
mark; blank lines skipped) and writes one JSON object per line, exactly the keys
``text``, ``redacted``, ``compound`` (-1..1, 4 decimal places), ``label`` (positive, neutral
or negative), ``themes`` (theme keys) and ``flags`` (such as ``["safeguarding"]``), with
non-ASCII characters written as they are.

Names redacted: the people the platform holds for every partnership in the database, and the
words of their school names are treated as vocabulary, when the database can be read; with no
database (or an empty one) only the built-in rules apply. Exit code 2, with a message, when
the input is not UTF-8 text.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from surveys.insights.analysis import analyse_many
from surveys.insights.redaction import known_names_for, school_vocabulary_for

BATCH = 2000
KEYS = ("text", "redacted", "compound", "label", "themes", "flags")


class NotText(click.ClickException):
    """The input cannot be read as text; exit code 2, like a usage error."""

    exit_code = 2


def platform_names() -> tuple[frozenset[str], frozenset[str]]:
    """Known names and extra vocabulary for every partnership, or none without a database."""
    names: set[str] = set()
    vocabulary: set[str] = set()
    try:
        for partnership_id in db.session.scalars(select(Partnership.id)).all():
            names |= known_names_for(partnership_id)
            vocabulary |= school_vocabulary_for(partnership_id)
    except SQLAlchemyError:
        db.session.rollback()
        return frozenset(), frozenset()
    return frozenset(names), frozenset(vocabulary)


def _lines(stream: BinaryIO, source: str) -> Iterator[str]:
    for number, raw in enumerate(stream, start=1):
        if b"\x00" in raw:
            raise NotText(f"{source} is not a text file (line {number} holds a NUL byte). Nothing more was read.")
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise NotText(f"{source} is not UTF-8 text (line {number} cannot be read). Nothing more was read.") from None
        line = line.rstrip("\r\n").lstrip("\ufeff").strip()
        if line:
            yield line


def _batches(lines: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@click.command("analyse-text")
@click.option("--in", "in_file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
              metavar="FILE", help="Read comments from FILE, one per line (default: standard input).")
@click.option("--format", "output_format", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per line.")
@with_appcontext
def analyse_text_command(in_file: Path | None, output_format: str) -> None:
    """Analyse free text: redaction, sentiment, themes and safeguarding flags, one JSON line each."""
    names, vocabulary = platform_names()
    if in_file is None:
        stream, source, close = getattr(sys.stdin, "buffer", sys.stdin), "Standard input", False
    else:
        stream, source, close = in_file.open("rb"), in_file.name, True
    try:
        for batch in _batches(_lines(stream, source)):
            for result in analyse_many(batch, names, vocabulary):
                record = {
                    "text": result.text,
                    "redacted": result.redacted,
                    "compound": round(max(-1.0, min(1.0, float(result.compound))), 4),
                    "label": result.label,
                    "themes": list(result.themes),
                    "flags": list(result.flags),
                }
                click.echo(json.dumps(record, ensure_ascii=False))
    finally:
        if close:
            stream.close()
