"""The heat map's cells as HTML, built here rather than in a template macro: a 500-school
dashboard has over 20,000 cells, and a macro call per cell cost about a second a page.

Every cell has its figure (or words) written in it; the colour class only repeats it.
"""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from peerreview.dashboard.measures import ColumnGroup, Row


def row_cells(row: Row, groups: list[ColumnGroup], withheld: str | None = None, no_data: str | None = None) -> Markup:
    """The <td> cells of one row, in the groups' column order. The first column of each
    group carries a thicker left edge."""
    withheld = escape(withheld if withheld is not None else _("withheld"))
    no_data = escape(no_data if no_data is not None else _("no data"))
    parts = []
    for group in groups:
        for index, column in enumerate(group.columns):
            edge = " app-heat__cell--first" if index == 0 else ""
            value = row.values.get(column.key)
            if value is None:
                parts.append(f'<td class="app-heat__cell app-heat__cell--text{edge}">{no_data}</td>')
            elif value.withheld:
                parts.append(f'<td class="app-heat__cell app-heat__cell--withheld{edge}">{withheld}</td>')
            elif value.step is None:
                parts.append(f'<td class="app-heat__cell app-heat__cell--text{edge}">{escape(value.text)}</td>')
            else:
                parts.append(f'<td class="app-heat__cell app-heat__cell--{int(value.step)}{edge}">'
                             f'{escape(value.text)}</td>')
    return Markup("".join(parts))
