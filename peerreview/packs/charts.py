"""The pack's charts, drawn as SVG here (no charting library): small, exact, and tagged as
figures in the PDF.

``share_positive_chart``: one row per question, numbered as in the table beside it, with a bar
for the school and one for the partnership and each share written at the bar's end, so the
chart reads without colour. The colours are the survey pages' (``surveys.charts``): the
school in blue, the partnership in dark grey. A withheld share is written as a word, never
drawn.

``faces_chart``: one stacked bar per prompt (happy, OK, sad), each part labelled.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from surveys.charts import INK, SERIES_STYLES

WIDTH = 640
LABEL_WIDTH = 34
VALUE_WIDTH = 150
BAR = 11
GAP = 2
ROW_GAP = 9
FONT = "DejaVu Sans, sans-serif"
SCHOOL = SERIES_STYLES[0]["fill"]
PARTNERSHIP = SERIES_STYLES[1]["fill"]
FACE_FILLS = {"happy": "#00703c", "ok": "#ffdd00", "sad": "#d4351c"}  # GOV.UK green, yellow, red
FACE_INK = {"happy": "#ffffff", "ok": INK, "sad": "#ffffff"}


@dataclass
class Bar:
    share: float | None  # 0..1; None: not shown
    text: str  # what is written beside it ("78%", "withheld")


@dataclass
class Row:
    label: str  # the question's number
    school: Bar
    partnership: Bar


def _pct(share: float) -> str:
    return f"{round(share * 100):d}%"


def _svg(title: str, description: str, height: int, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{body}</svg>"
    )


def share_positive_chart(title: str, description: str, rows: list[Row], school_name: str,
                         partnership_name: str) -> Markup:
    bar_max = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = []
    y = 0
    # The key: the two series, each a swatch and its name.
    for index, (fill, name) in enumerate(((SCHOOL, school_name), (PARTNERSHIP, partnership_name))):
        x = LABEL_WIDTH + index * (bar_max // 2 + 40)
        parts.append(f'<rect x="{x}" y="{y + 1}" width="12" height="12" fill="{fill}"/>')
        parts.append(f'<text x="{x + 17}" y="{y + 11}" font-size="11" fill="{INK}">{escape(name)}</text>')
    y += 22
    top = y
    for row in rows:
        parts.append(f'<text x="0" y="{y + BAR + 4}" font-size="11" font-weight="bold" fill="{INK}">'
                     f'{escape(row.label)}</text>')
        for fill, bar in ((SCHOOL, row.school), (PARTNERSHIP, row.partnership)):
            if bar.share is not None:
                width = max(round(bar.share * bar_max, 1), 1.5 if bar.share > 0 else 0)
                if width:
                    parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" fill="{fill}"/>')
                x = LABEL_WIDTH + width + 4
            else:
                x = LABEL_WIDTH + 4
            parts.append(f'<text x="{x}" y="{y + BAR - 1.5}" font-size="9.5" fill="{INK}">{escape(bar.text)}</text>')
            y += BAR + GAP
        y += ROW_GAP - GAP
    # Gridlines at 0, 50 and 100 per cent, under the labels.
    for share in (0, 0.5, 1):
        x = LABEL_WIDTH + share * bar_max
        parts.insert(0, f'<line x1="{x}" y1="{top - 3}" x2="{x}" y2="{y}" stroke="#b1b4b6" stroke-width="0.75"/>')
        parts.append(f'<text x="{x}" y="{y + 10}" font-size="9" fill="{INK}" text-anchor="middle">{_pct(share)}</text>')
    return _svg(title, description, y + 14, "".join(parts))


def faces_chart(title: str, description: str, rows: list[tuple[str, dict[str, int]]],
                labels: dict[str, str]) -> Markup:
    """rows: (label, {"happy": n, "ok": n, "sad": n}) per prompt."""
    bar_max = WIDTH - LABEL_WIDTH
    parts, y = [], 0
    x = LABEL_WIDTH
    for face in ("happy", "ok", "sad"):
        parts.append(f'<rect x="{x}" y="{y + 1}" width="12" height="12" fill="{FACE_FILLS[face]}" stroke="{INK}" stroke-width="0.5"/>')
        parts.append(f'<text x="{x + 17}" y="{y + 11}" font-size="11" fill="{INK}">{escape(labels[face])}</text>')
        x += 120
    y += 22
    for label, counts in rows:
        total = sum(counts.values())
        parts.append(f'<text x="0" y="{y + 14}" font-size="11" font-weight="bold" fill="{INK}">{escape(label)}</text>')
        x = LABEL_WIDTH
        for face in ("happy", "ok", "sad"):
            n = counts.get(face, 0)
            if not total or not n:
                continue
            width = round(n / total * bar_max, 1)
            parts.append(f'<rect x="{x}" y="{y}" width="{width}" height="20" fill="{FACE_FILLS[face]}"/>')
            if width >= 26:
                parts.append(f'<text x="{x + width / 2}" y="{y + 14}" font-size="10" text-anchor="middle" '
                             f'fill="{FACE_INK[face]}">{n}</text>')
            x += width
        y += 28
    return _svg(title, description, y, "".join(parts))
