"""SVG charts of survey results, for pages and (later) the PDF packs.

``bar_chart`` draws horizontal grouped bars: for each answer option, one bar per series
("This school", "Partnership", "Last survey"), each with its series name and percentage
written beside it, so nothing depends on colour alone. The SVG has role="img", a <title>
and a <desc>; pages put a data table with the same figures beside it.

Colours have at least 3:1 contrast with white (WCAG 1.4.11); the third series is a
hatched outline rather than a third colour.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH = 640
LABEL_SIZE = 17
VALUE_SIZE = 16
BAR_HEIGHT = 22
BAR_GAP = 4
OPTION_GAP = 14
LABEL_HEIGHT = 20
VALUE_SPACE = 290  # room right of the longest bar for "Partnership 100% (1234)"
INK = "#0b0c0c"
SERIES_STYLES = (
    {"fill": "#1d70b8"},  # GOV.UK blue: 5.2:1 on white
    {"fill": "#505a5f"},  # dark grey: 7:1
    {"fill": "url(#{hatch})", "stroke": INK, "stroke-width": "1.5"},  # hatched outline
)

_ids = count(1)


@dataclass
class Series:
    name: str
    shares: list[float]  # one per option, 0..1
    counts: list[int]
    style: int | None = None  # which of SERIES_STYLES; by position when not given


def _pct(share: float) -> str:
    if 0 < share < 0.005:
        return "<1%"
    return f"{round(share * 100):d}%"


def bar_chart(title: str, description: str, options: list[str], series: list[Series]) -> Markup:
    """Grouped horizontal bars, one group per option. ``options`` are the answer labels."""
    n = next(_ids)
    hatch = f"app-hatch-{n}"
    title_id, desc_id = f"app-chart-title-{n}", f"app-chart-desc-{n}"
    bar_max = WIDTH - VALUE_SPACE
    parts = []
    y = 0
    for i, option in enumerate(options):
        y += LABEL_SIZE + 2
        parts.append(f'<text x="0" y="{y}" font-size="{LABEL_SIZE}" font-weight="700" fill="{INK}">{escape(option)}</text>')
        y += 6
        for s_index, s in enumerate(series):
            style = dict(SERIES_STYLES[(s_index if s.style is None else s.style) % len(SERIES_STYLES)])
            if "url" in style["fill"]:
                style["fill"] = style["fill"].format(hatch=hatch)
            share = s.shares[i] if i < len(s.shares) else 0.0
            width = max(round(share * bar_max, 1), 1.5 if share > 0 else 0)
            attrs = " ".join(f'{k}="{v}"' for k, v in style.items())
            if width:
                parts.append(f'<rect x="0" y="{y}" width="{width}" height="{BAR_HEIGHT}" {attrs}/>')
            else:
                parts.append(f'<line x1="0.75" y1="{y}" x2="0.75" y2="{y + BAR_HEIGHT}" stroke="{INK}" stroke-width="1.5"/>')
            label = f"{s.name} {_pct(share)} ({s.counts[i] if i < len(s.counts) else 0})"
            parts.append(
                f'<text x="{width + 6}" y="{y + BAR_HEIGHT - 4}" font-size="{VALUE_SIZE}" fill="{INK}">{escape(label)}</text>'
            )
            y += BAR_HEIGHT + BAR_GAP
        y += OPTION_GAP - BAR_GAP
    height = max(y, 1)
    defs = (
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/>'
        "</pattern></defs>"
    )
    svg = (
        f'<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(description)}</desc>'
        f"{defs}{''.join(parts)}</svg>"
    )
    return Markup(svg)


def describe(options: list[str], series: list[Series]) -> str:
    """A sentence per series for the chart's <desc>."""
    sentences = []
    for s in series:
        figures = ", ".join(f"{option} {_pct(share)}" for option, share in zip(options, s.shares))
        sentences.append(f"{s.name}: {figures}.")
    return " ".join(sentences)
