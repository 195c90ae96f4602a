"""Sentiment: labels on clear school comments, the +/-0.05 thresholds, the sentence roll-up,
and the education adjustments (which must leave plain VADER alone)."""
from __future__ import annotations

import math

import pytest
from nltk.sentiment.vader import SentimentIntensityAnalyzer

from surveys.insights import sentiment
from surveys.insights.sentiment import label_for, roll_up, score, sentence_scores, sentences


@pytest.mark.parametrize("text, label", [
    ("The teachers are brilliant and my daughter is so happy here.", "positive"),
    ("Staff are supportive and the trips were fantastic.", "positive"),
    ("Behaviour at lunchtime is awful and nobody deals with the bullying.", "negative"),
    ("Workload is unsustainable and I am exhausted.", "negative"),
    ("Clubs run on Monday and Thursday after school.", "neutral"),
    ("Miss Evans will be the new Year 2 teacher from September.", "neutral"),
    ("My son has special educational needs and a plan with the SENCO.", "neutral"),
    ("The curriculum is rigorous and pupils rise to it.", "positive"),
    ("Marking is inconsistent between classes.", "negative"),
    ("Challenging behaviour in Year 5 disrupts lessons.", "negative"),
    ("", "neutral"),
    ("   ", "neutral"),
])
def test_clear_school_examples(text, label):
    assert score(text).label == label


@pytest.mark.parametrize("compound, label", [
    (0.05, "positive"), (0.0499, "neutral"), (0.0, "neutral"), (-0.0499, "neutral"), (-0.05, "negative"),
    (1.0, "positive"), (-1.0, "negative"),
])
def test_thresholds(compound, label):
    assert label_for(compound) == label


def test_compound_is_rounded_and_bounded():
    result = score("Amazing!!! Best school ever, love love love it. Wonderful, fantastic, superb staff!")
    assert -1 <= result.compound <= 1
    assert result.compound == round(result.compound, 4)
    assert result.label == "positive"


def test_one_sentence_is_scored_whole():
    text = "The teachers are kind but the homework is too much"
    assert sentences(text) == [text]
    assert score(text).compound == round(sentiment.analyser().polarity_scores(text)["compound"], 4)


def test_several_sentences_roll_up_by_summing_valences():
    text = "The teachers are kind. The homework is far too much! Lunches are fine.\nThanks."
    parts = sentence_scores(text)
    assert [p for p, _ in parts] == ["The teachers are kind.", "The homework is far too much!",
                                     "Lunches are fine.", "Thanks."]
    assert score(text).compound == round(roll_up([c for _, c in parts]), 4)


def test_roll_up_rules():
    assert roll_up([]) == 0.0
    assert roll_up([0.42]) == 0.42
    assert roll_up([0.5, -0.5]) == pytest.approx(0.0, abs=1e-9)
    assert roll_up([0.0, 0.0, 0.6]) == pytest.approx(0.6, abs=1e-4)  # neutral sentences do not dilute
    assert roll_up([0.5, 0.5]) > 0.5  # two positive sentences say more than one
    assert -1 < roll_up([-0.9999] * 50) < 0 and 0 < roll_up([0.9999] * 50) < 1
    # The inverse of VADER's normalisation: one sentence's valence, normalised, gives it back.
    x = sentiment._valence(0.7)
    assert x / math.sqrt(x * x + 15) == pytest.approx(0.7)


def test_sentence_splitting_needs_no_nltk_data():
    assert sentences("Great school. Year 6 was hard! Why? (Not sure.)\n\nThanks") == [
        "Great school.", "Year 6 was hard!", "Why?", "(Not sure.)", "Thanks"]
    assert sentences("Class 3B scored 10.5 on average, e.g. in maths.") == [
        "Class 3B scored 10.5 on average, e.g. in maths."]


def test_miss_as_a_title_is_not_missing():
    assert score("Miss Harper is in Year 2.").label == "neutral"
    assert score("I miss my old teacher.").label == "negative"
    assert score("We will MISS you all").compound == round(sentiment.plain_analyser().polarity_scores("We will MISS you all")["compound"], 4)


def test_overrides_live_on_a_copy_of_the_lexicon():
    platform, plain = sentiment.analyser(), sentiment.plain_analyser()
    assert platform is not plain and platform.lexicon is not plain.lexicon
    for word, value in sentiment.LEXICON_OVERRIDES.items():
        assert platform.lexicon[word] == value
    fresh = SentimentIntensityAnalyzer(lexicon_file=sentiment._lexicon_path().as_uri())
    assert plain.lexicon == fresh.lexicon  # plain VADER unchanged
    assert plain.lexicon["rigorous"] == -1.1 and "inclusive" not in plain.lexicon
    assert plain.polarity_scores("A rigorous curriculum.")["compound"] < 0
    assert score("A rigorous curriculum.").compound > 0


def test_overrides_are_short_and_documented():
    assert 0 < len(sentiment.LEXICON_OVERRIDES) <= 12
    assert all(-4 <= v <= 4 for v in sentiment.LEXICON_OVERRIDES.values())


def test_fast_tokens_score_exactly_as_nltk():
    """The platform's analyser tokenises faster than nltk's SentiText; with the plain lexicon
    it must give nltk's scores exactly."""
    from pathlib import Path

    from peerreview.demo_data import comments as demo
    fast = sentiment._PlatformAnalyser(lexicon_file=sentiment._lexicon_path().as_uri())
    plain = sentiment.plain_analyser()
    school = Path(__file__).parents[1] / "data" / "sentiment_school.tsv"
    texts = [line.split("\t", 1)[-1] for line in school.read_text(encoding="utf-8").splitlines()]
    texts += [c for name in dir(demo) if name.isupper() for c in getattr(demo, name) if isinstance(c, str)]
    texts += ["GREAT!!! school :) but... the food?!?", "'quoted' \"words\", (brackets) - dashes -- ok?!", "!!!", "",
              "I don't like it, not at all!!", "kind of good, sort of bad. VERY good!", "#bad :( :-) <3 ^_^"]
    for text in texts:
        assert fast.polarity_scores(text) == plain.polarity_scores(text), text
