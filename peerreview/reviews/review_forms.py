"""Forms for the host's preparation and its attachments.

The preparation form is the self-evaluation (a Flask-WTF form, so it carries the CSRF token)
and one to three line-of-enquiry blocks posted as ``lines-<n>-<field>``. Each block has a
``key`` that stays the same while the page goes back and forth (an existing line's is
``l<id>``, a new block's is random), so the browser's draft copy and the Remove buttons
refer to a block, not to its place on the page. Nothing here raises on odd input: a block
that cannot be read is a field error or is ignored.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField
from wtforms.validators import Length

from peerreview.core.directory.forms import without_control_characters
from peerreview.reviews.models import MAX_LINES_OF_ENQUIRY

SELF_EVALUATION_MAX = 5000
QUESTION_MAX = 300
SIP_PRIORITY_MAX = 300
CONTEXT_MAX = 2000
EVIDENCE_MAX = 2000
# Blocks beyond this many in one post are not read at all (the limit is three; this is slack
# for blank blocks, not a second limit).
MAX_BLOCKS_READ = 10

LINE_FIELDS = ("question", "sip_priority", "context", "evidence_wanted")
_BLOCK_NAME = re.compile(r"^lines-(\d{1,2})-key$")
_KEY = re.compile(r"^[a-z0-9]{2,24}$")
_QUESTION_STARTS = (
    "to what extent", "how ", "what ", "why ", "which ", "where ", "when ", "who ", "in what ways",
    "does ", "do ", "is ", "are ", "can ", "could ", "should ", "has ", "have ",
)


def clean_line(text: str | None) -> str:
    """One line: control characters and runs of white space become one space."""
    return " ".join(without_control_characters(text or "").split())


def clean_text(text: str | None) -> str:
    """Text over several lines: control characters other than newlines become spaces."""
    return without_control_characters(text or "", keep_newlines=True).replace("\r\n", "\n").replace("\r", "\n").strip()


def looks_like_question(text: str) -> bool:
    """The soft check on a line of enquiry: it ends with a question mark or opens like a question."""
    t = text.strip().lower()
    return t.endswith("?") or t.startswith(_QUESTION_STARTS)


def new_key(blocks=()) -> str:
    """A key for a new (unsaved) block: n1, n2, ... the first not in use. Predictable, so the
    blank block a page starts with has the same key every time it is loaded and the
    browser's draft copy of it is found again."""
    used = {block.key for block in blocks}
    number = 1
    while f"n{number}" in used:
        number += 1
    return f"n{number}"


class TextField(TextAreaField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = clean_text(self.data)


class PrepareForm(FlaskForm):
    self_evaluation = TextField(_l("Self-evaluation"), validators=[
        Length(max=SELF_EVALUATION_MAX, message=_l("The self-evaluation must be %(max)d characters or fewer",
                                                   max=SELF_EVALUATION_MAX))])


class UploadForm(FlaskForm):
    file = FileField(_l("Upload a PDF"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


@dataclass
class LineBlock:
    """One line-of-enquiry block as typed (or as stored), with its problems."""

    key: str
    line_id: int | None = None  # an existing line of this review, else None (a new line)
    question: str = ""
    sip_priority: str = ""
    context: str = ""
    evidence_wanted: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not any(getattr(self, name) for name in LINE_FIELDS)

    @property
    def warning(self) -> bool:
        return bool(self.question) and not looks_like_question(self.question)

    @classmethod
    def from_line(cls, line) -> LineBlock:
        return cls(key=f"l{line.id}", line_id=line.id, question=line.question, sip_priority=line.sip_priority,
                   context=line.context or "", evidence_wanted=line.evidence_wanted or "")


def blocks_from_review(review) -> list[LineBlock]:
    blocks = [LineBlock.from_line(line) for line in review.lines]
    return blocks or [LineBlock(key=new_key())]


def _int_or_none(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def posted_blocks(formdata: MultiDict, existing_line_ids: set[int]) -> list[LineBlock]:
    """The blocks in a posted preparation form, in page order. A ``line_id`` that is not one of
    this review's lines is dropped, so the block is saved as a new line (its text is kept)
    and no other review's line is ever touched; a line id posted twice counts once."""
    indices = sorted({int(m.group(1)) for name in formdata if (m := _BLOCK_NAME.match(name))})
    blocks: list[LineBlock] = []
    seen_keys: set[str] = set()
    seen_lines: set[int] = set()
    for index in indices[:MAX_BLOCKS_READ]:
        prefix = f"lines-{index}-"
        key = (formdata.get(prefix + "key") or "").strip()
        line_id = _int_or_none(formdata.get(prefix + "line_id"))
        if line_id not in existing_line_ids or line_id in seen_lines:
            line_id = None
        if line_id is not None:
            seen_lines.add(line_id)
            key = f"l{line_id}"
        if not _KEY.match(key) or key in seen_keys or (key.startswith("l") and line_id is None):
            key = "x" + secrets.token_hex(4)
        seen_keys.add(key)
        blocks.append(LineBlock(
            key=key, line_id=line_id,
            question=clean_line(formdata.get(prefix + "question")),
            sip_priority=clean_line(formdata.get(prefix + "sip_priority")),
            context=clean_text(formdata.get(prefix + "context")),
            evidence_wanted=clean_text(formdata.get(prefix + "evidence_wanted")),
        ))
    return blocks


def validate_blocks(blocks: list[LineBlock]) -> list[LineBlock]:
    """Check each block, recording problems on it; returns the blocks that will be saved
    (new blocks left completely blank are not lines and are ignored)."""
    kept = []
    for block in blocks:
        block.errors = {}
        if block.blank and block.line_id is None:
            continue
        kept.append(block)
        if not block.question:
            block.errors["question"] = _l("Enter the line of enquiry, or remove it")
        elif len(block.question) > QUESTION_MAX:
            block.errors["question"] = _l("The line of enquiry must be %(max)d characters or fewer", max=QUESTION_MAX)
        if not block.sip_priority:
            block.errors["sip_priority"] = _l("Enter the school improvement plan priority this line is tied to")
        elif len(block.sip_priority) > SIP_PRIORITY_MAX:
            block.errors["sip_priority"] = _l("The priority must be %(max)d characters or fewer", max=SIP_PRIORITY_MAX)
        if len(block.context) > CONTEXT_MAX:
            block.errors["context"] = _l("The context must be %(max)d characters or fewer", max=CONTEXT_MAX)
        if len(block.evidence_wanted) > EVIDENCE_MAX:
            block.errors["evidence_wanted"] = _l("The evidence you would like looked at must be %(max)d "
                                                 "characters or fewer", max=EVIDENCE_MAX)
    return kept


def count_problem(kept: list[LineBlock]):
    """A message when the number of lines is outside one to three, else None."""
    if not kept:
        return _l("Write at least one line of enquiry")
    if len(kept) > MAX_LINES_OF_ENQUIRY:
        return _l("A review can have up to %(max)d lines of enquiry. Remove one, then save.",
                  max=MAX_LINES_OF_ENQUIRY)
    return None
