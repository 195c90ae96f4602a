"""The periods a pack covers: the twelve months to today (the renderer's default, so a pack made
at any time of year holds the latest review, visit and surveys), or a school (academic) year,
1 September to 31 August."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

YEARS_OFFERED = 3  # this school year and the two before it
LAST_TWELVE_MONTHS = "last-12-months"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    rolling: bool = False  # the twelve months to the day it was asked for

    @property
    def key(self) -> str:
        """The form value: "last-12-months", or the year a school year starts in ("2025" for 2025 to 2026)."""
        if self.rolling:
            return LAST_TWELVE_MONTHS
        return str(self.start.year) if self.is_school_year else f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def is_school_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (9, 1, 8, 31) \
            and self.end.year == self.start.year + 1

    @property
    def label(self) -> str:
        from flask_babel import format_date

        if self.rolling:
            return _("The 12 months to today (%(start)s to %(end)s)", start=format_date(self.start, "long"),
                     end=format_date(self.end, "long"))
        if self.is_school_year:
            return _("School year %(start)s to %(end)s", start=self.start.year, end=self.end.year)
        return _("%(start)s to %(end)s", start=format_date(self.start, "long"), end=format_date(self.end, "long"))

    @property
    def file_part(self) -> str:
        if self.is_school_year:
            return f"{self.start.year}-{self.end.year % 100:02d}"
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"


def school_year(year_starting: int) -> Period:
    return Period(date(year_starting, 9, 1), date(year_starting + 1, 8, 31))


def school_year_of(day: date) -> Period:
    return school_year(day.year if day.month >= 9 else day.year - 1)


def last_twelve_months(today: date) -> Period:
    """365 days to today, as peerreview.packs.render.default_period (not imported here: it would
    load WeasyPrint into every web process)."""
    return Period(today - timedelta(days=365), today, rolling=True)


def offered(today: date) -> list[Period]:
    """The twelve months to today first, then this school year and the years before it."""
    current = school_year_of(today).start.year
    return [last_twelve_months(today)] + [school_year(current - n) for n in range(YEARS_OFFERED)]


def from_key(key: str | None, today: date) -> Period | None:
    """The offered period a form value names, or None."""
    return next((p for p in offered(today) if p.key == (key or "").strip()), None)
