"""Safeguarding flags: comments that suggest harm, abuse, self-harm or a child at risk.
A flagged comment is never shown as a quote; it goes to a queue partnership admins see,
with guidance to follow the school's safeguarding procedure.

Public API: ``flags(text) -> list[str]`` (``["safeguarding"]`` or ``[]``).
"""
from __future__ import annotations

import re

SAFEGUARDING = "safeguarding"

# A first list; the themes and flags work extends and tests it.
_PATTERNS = re.compile(
    r"\b(hurt(s|ing)? me|hits? me|hit me|abus(e|ed|ing)|self[- ]harm|kill myself|suicid\w*|"
    r"touch(ed|es|ing)? me|scared to go home|unsafe at home|neglect(ed)?)\b",
    re.IGNORECASE,
)


def flags(text: str) -> list[str]:
    return [SAFEGUARDING] if _PATTERNS.search(text or "") else []
