"""Summaries of analysed comments, on plain values: shares, mean sentiment, quote choice
(never a flagged comment), emergent phrases only from comments matching no theme, and the
change since a previous set."""
from __future__ import annotations

import pytest

from surveys.insights import summaries
from surveys.insights.summaries import Comment, short_quote, summarise


def c(i, text, compound, themes=(), flags=()):
    label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
    return Comment(i, text, compound, label, tuple(themes), tuple(flags))


COMMENTS = [
    c(1, "Leaders listen and the head is visible.", 0.6, ["leadership"]),
    c(2, "The head never answers emails.", -0.4, ["leadership", "communication"]),
    c(3, "Workload is crushing this term.", -0.7, ["workload"]),
    c(4, "Marking policy cut my workload, brilliant.", 0.8, ["workload"]),
    c(5, "Leadership is fine.", 0.2, ["leadership"]),
    c(6, "The car park is a nightmare at pick up.", -0.3),
    c(7, "The car park needs a lollipop person.", 0.0),
    c(8, "I love the head but someone at home hurts me and the car park is scary.", 0.9,
      ["leadership"], ["safeguarding"]),
]


def test_counts_split_and_shares():
    s = summarise(COMMENTS)
    assert s.comments == 8
    assert (s.split.positive, s.split.neutral, s.split.negative) == (4, 1, 3)
    assert s.split.share("positive") == pytest.approx(0.5)
    assert s.mean == pytest.approx(sum(x.compound for x in COMMENTS) / 8)
    top = s.themes[0]
    assert top.key == "leadership" and top.count == 4 and top.share == pytest.approx(0.5)
    assert top.mean == pytest.approx((0.6 - 0.4 + 0.2 + 0.9) / 4)
    workload = next(t for t in s.themes if t.key == "workload")
    assert workload.share == pytest.approx(0.25) and workload.mean == pytest.approx(0.05)


def test_quotes_a_positive_and_a_negative_per_theme_never_flagged():
    s = summarise(COMMENTS)
    leadership = next(t for t in s.themes if t.key == "leadership")
    assert [q.label for q in leadership.quotes] == ["positive", "negative"]
    # The flagged comment is the most positive; it is still never quoted.
    assert leadership.quotes[0].comment_id == 1
    assert leadership.quotes[1].comment_id == 2
    every_quote = [q for t in s.themes for q in t.quotes]
    assert all(q.comment_id != 8 for q in every_quote)
    assert all("hurts me" not in q.text for q in every_quote)


def test_only_flagged_comments_give_no_quote():
    s = summarise([c(1, "Someone hurts me, I love school", 0.7, ["wellbeing"], ["safeguarding"])] * 1)
    assert s.themes[0].quotes == []


def test_quotes_are_short_and_trimmed_at_a_boundary():
    long = "Teachers are kind. " * 5 + "But the " + "really " * 40 + "long sentence ends."
    assert short_quote("Short.") == "Short."
    trimmed = short_quote(long)
    assert len(trimmed) <= 202 and trimmed.endswith("…") and trimmed.startswith("Teachers are kind.")
    assert "really" not in trimmed  # whole sentences only, where they fit
    words = short_quote("word " * 100)
    assert len(words) <= 201 and words.endswith("word…")


def test_emergent_phrases_only_from_unthemed_and_unflagged(monkeypatch):
    seen = []

    def fake(texts, limit=10):
        seen.extend(texts)
        return [("car park", 2)]

    monkeypatch.setattr(summaries.theme_book, "emergent_phrases", fake)
    s = summarise(COMMENTS)
    assert s.phrases == [("car park", 2)]
    assert s.unthemed == 2
    assert sorted(seen) == sorted([COMMENTS[5].redacted, COMMENTS[6].redacted])


def test_phrases_from_the_real_collocations_and_markers_removed():
    s = summarise([c(1, "Bring back the bake sale; ask [name].", 0.0), c(2, "The bake sale was fun, ask [name]", -0.2),
                   c(3, "Leaders are great", 0.5, ["leadership"])])
    phrases = [p for p, _n in s.phrases]
    assert "bake sale" in phrases
    assert not any("name" in p for p in phrases)


def test_change_since_previous():
    before = [c(1, "Workload is bad", -0.5, ["workload"]), c(2, "Workload is awful", -0.6, ["workload"]),
              c(3, "Leaders good", 0.5, ["leadership"]), c(4, "ok", 0.0)]
    now = [c(11, "Workload is better", 0.4, ["workload"]), c(12, "Leaders good", 0.5, ["leadership"]),
           c(13, "Leaders kind", 0.6, ["leadership"]), c(14, "fine", 0.0)]
    s = summarise(now, before)
    changes = s.split_change
    assert changes["positive"] == pytest.approx(0.75 - 0.25)
    assert changes["negative"] == pytest.approx(0 - 0.5)
    themes = {t.key: t for t in s.themes}
    assert themes["workload"].change == pytest.approx(0.25 - 0.5)
    assert themes["leadership"].change == pytest.approx(0.5 - 0.25)
    assert summarise(now).split_change is None and themes["workload"].previous_share == pytest.approx(0.5)


def test_nothing_to_summarise():
    s = summarise([])
    assert s.comments == 0 and s.mean is None and s.themes == [] and s.phrases == []
    assert summaries.sentiment_words(None) == "none"
    assert [summaries.sentiment_words(x) for x in (0.7, 0.2, 0.0, -0.2, -0.7)] == [
        "very_positive", "positive", "mixed", "negative", "very_negative"]
