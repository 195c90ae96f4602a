"""Which groups' results must be withheld so that no respondent in a small group can be
picked out: the one place for the threshold rule.

Primary suppression: any group with answers from fewer people than the threshold.
Complementary suppression: when the total is shown too, the hidden groups' combined count
is the total minus the visible ones, so hiding a single group hides nothing. Hidden groups
must therefore be at least two and together reach the threshold; otherwise the smallest
visible group is hidden as well, and so on. (Dialog and PeopleCues do the same: "the
next-smallest group hidden".)
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Suppression:
    withheld: frozenset  # group keys whose results are not shown
    total_withheld: bool  # the total over all groups is itself too small to show

    def shows(self, key: Hashable) -> bool:
        return key not in self.withheld


def suppress(counts: Mapping[Hashable, int], threshold: int) -> Suppression:
    """counts: respondents (or answers to one question) per group."""
    total = sum(counts.values())
    hidden = {k for k, n in counts.items() if 0 < n < threshold}
    visible = sorted(((n, str(k), k) for k, n in counts.items() if n >= threshold), key=lambda t: (t[0], t[1]))

    def safe(group: set) -> bool:
        if not group:
            return True
        return len(group) >= 2 and sum(counts[k] for k in group) >= threshold

    while not safe(hidden) and visible:
        _, _, smallest = visible.pop(0)
        hidden.add(smallest)
    return Suppression(frozenset(hidden), total_withheld=total < threshold)
