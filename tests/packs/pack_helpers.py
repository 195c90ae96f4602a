"""Helpers for the pack tests: read a PDF back with poppler (pdftotext, pdfinfo), and build a
staff survey run whose schools have chosen sizes and comments."""
from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select

from peerreview.extensions import db
from surveys import codes
from surveys.models import (
    Answer,
    QuestionnaireTemplate,
    RunSchool,
    SurveyResponse,
    SurveyRun,
)
from surveys.questionnaires import install_builtin_templates


def _poppler(tool: str, data: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.pdf"
        path.write_bytes(data)
        out = subprocess.run([tool, *args, str(path), *([] if tool != "pdftotext" else ["-"])],
                             check=True, capture_output=True, text=True)
        return out.stdout


def pdf_text(data: bytes, page: int | None = None) -> str:
    """The PDF's text (or one page's) with runs of white space made single spaces (lines wrap anywhere)."""
    pages = ("-f", str(page), "-l", str(page)) if page else ()
    return " ".join(_poppler("pdftotext", data, *pages).split())


def words_in_order(phrase: str, text: str) -> bool:
    """Whether the phrase's words appear in the text in order, other words allowed between them:
    pdftotext reads side-by-side boxes line by line, interleaving their words."""
    words = iter(text.split())
    return all(any(w == word for w in words) for word in phrase.split())


def pdf_info(data: bytes) -> dict[str, str]:
    info = {}
    for line in _poppler("pdfinfo", data).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdf_images(data: bytes) -> int:
    """How many images the PDF embeds (pdfimages -list prints two header lines)."""
    return max(0, len(_poppler("pdfimages", data, "-list").splitlines()) - 2)


def staff_run(partnership, schools_sizes, *, opens_on: date, closes_on: date, mood: dict | None = None,
              comments: dict | None = None, threshold: int = 5) -> SurveyRun:
    """A staff wellbeing run over ``schools_sizes`` ({school: responses}). Every response agrees
    with every agree-or-disagree question ("strongly_disagree" for schools in ``mood`` mapped to
    "low"), and ``comments`` ({school: [text, ...]}) go into "What does the school do well"."""
    if not db.session.scalar(select(QuestionnaireTemplate.id).where(QuestionnaireTemplate.partnership_id == partnership.id)):
        install_builtin_templates(partnership)
        db.session.flush()
    template = db.session.scalar(select(QuestionnaireTemplate).where(
        QuestionnaireTemplate.partnership_id == partnership.id, QuestionnaireTemplate.key == "staff_wellbeing"))
    version = template.current
    run = SurveyRun(partnership=partnership, version=version, title=f"Staff survey closing {closes_on.isoformat()}",
                    audience="staff", opens_on=opens_on, closes_on=closes_on, threshold=threshold)
    for school in schools_sizes:
        run.schools.append(RunSchool(school=school, open_code=codes.new_open_code()))
    db.session.add(run)
    db.session.flush()
    well = next(i for i in version.items if i.key == "st_well")
    for school, size in schools_sizes.items():
        texts = list((comments or {}).get(school, []))
        value = "strongly_disagree" if (mood or {}).get(school) == "low" else "agree"
        for n in range(size):
            answers = [Answer(item_id=item.id, value=value) for item in version.items if item.kind == "agree"]
            if n < len(texts):
                answers.append(Answer(item_id=well.id, value=texts[n]))
            db.session.add(SurveyResponse(run_id=run.id, version_id=version.id, school_id=school.id, language="en",
                                          submitted_on=opens_on, answers=answers))
    db.session.commit()
    return run


def pdf_outline(data: bytes) -> list[tuple[str, int]]:
    """The PDF's bookmarks as (title, page), in order, nested ones included (pdftohtml -xml)."""
    import html
    import re

    xml = _poppler("pdftohtml", data, "-xml", "-stdout", "-i", "-q")
    return [(html.unescape(title), int(page))
            for page, title in re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)]


def pdf_internal_links(data: bytes, page: int) -> list[int]:
    """The pages that links on ``page`` lead to (pdftohtml -xml marks them href="pack.html#N")."""
    import re

    xml = _poppler("pdftohtml", data, "-xml", "-stdout", "-i", "-q", "-f", str(page), "-l", str(page))
    return [int(n) for n in re.findall(r'<a href="[^"#]*#(\d+)"', xml)]


def pdf_objects(data: bytes) -> bytes:
    """The PDF's streams inflated (object streams included), for looking into the structure tree."""
    import re
    import zlib

    out = []
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            out.append(zlib.decompress(data[match.end():end]))
        except zlib.error:
            continue
    return b"\n".join(out)
