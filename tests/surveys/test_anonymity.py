"""suppress(): primary suppression of small groups, and complementary suppression so that no
hidden group can be worked out from the visible ones and the total."""
from __future__ import annotations

import random

import pytest

from surveys.anonymity import suppress


def test_groups_at_or_over_the_threshold_are_shown():
    result = suppress({"a": 5, "b": 9, "c": 12}, 5)
    assert result.withheld == frozenset()
    assert not result.total_withheld
    assert result.shows("a") and result.shows("c")


def test_a_single_small_group_forces_the_next_smallest_visible_one_to_be_hidden():
    result = suppress({"a": 2, "b": 8, "c": 6, "d": 20}, 5)
    assert result.withheld == {"a", "c"}
    assert result.shows("b") and result.shows("d")


def test_two_small_groups_that_together_are_below_the_threshold_force_another():
    result = suppress({"a": 1, "b": 2, "c": 7, "d": 9}, 5)
    assert result.withheld == {"a", "b", "c"}


def test_two_small_groups_that_together_reach_the_threshold_are_enough():
    result = suppress({"a": 3, "b": 4, "c": 7, "d": 9}, 5)
    assert result.withheld == {"a", "b"}


def test_groups_with_no_answers_are_not_hidden_and_do_not_count_as_hidden_groups():
    result = suppress({"a": 0, "b": 3, "c": 10, "d": 11}, 5)
    assert "a" not in result.withheld
    assert result.withheld == {"b", "c"}
    assert suppress({"a": 0, "b": 0, "c": 6}, 5).withheld == frozenset()


def test_a_total_below_the_threshold_is_withheld_too():
    result = suppress({"a": 1, "b": 2}, 5)
    assert result.total_withheld
    assert result.withheld == {"a", "b"}
    assert suppress({}, 5).total_withheld
    assert not suppress({"a": 5}, 5).total_withheld


def test_a_lone_group_below_the_threshold_is_hidden_with_its_total():
    result = suppress({"only": 3}, 5)
    assert result.withheld == {"only"} and result.total_withheld


def test_ties_are_broken_the_same_way_every_time():
    counts = {"b": 6, "a": 6, "c": 2}
    assert suppress(counts, 5).withheld == suppress(dict(reversed(list(counts.items()))), 5).withheld == {"a", "c"}


@pytest.mark.parametrize("seed", range(5))
def test_no_hidden_group_can_be_derived_over_many_random_group_sizes(seed):
    rng = random.Random(seed)
    for _ in range(2000):
        threshold = rng.randint(3, 10)
        groups = rng.randint(1, 12)
        counts = {f"g{i}": rng.choice([0, rng.randint(1, threshold), rng.randint(0, 40)]) for i in range(groups)}
        result = suppress(counts, threshold)
        total = sum(counts.values())
        assert set(result.withheld) <= set(counts)
        # Nothing small is ever shown.
        visible = [k for k in counts if k not in result.withheld]
        assert all(counts[k] == 0 or counts[k] >= threshold for k in visible), (counts, threshold)
        hidden = [k for k in result.withheld if counts[k] > 0]
        if total < threshold:
            # Too few people altogether: the total is withheld, and with it every group.
            assert result.total_withheld
            assert set(hidden) == {k for k, n in counts.items() if n > 0}
            continue
        assert not result.total_withheld
        # The total minus the visible groups is the hidden groups' sum: it must not single out
        # one group, nor be a small number itself.
        assert not hidden or (len(hidden) >= 2 and sum(counts[k] for k in hidden) >= threshold), \
            (counts, threshold, hidden)
