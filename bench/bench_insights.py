"""The whole insight pipeline over generated comments, beside plain nltk VADER in the same run.

Generates N school-style comments (default 100,000; deterministic with --seed) by combining
the demo's comments (peerreview/demo_data/comments.py) with fragment lists below: one to three
sentences, some with a name, an email, a phone number or a link, a few with a safeguarding
phrase. Then, over the same comments:

- plain nltk VADER: ``polarity_scores(text)`` on each whole comment (the wheel's lexicon);
- the pipeline: ``surveys.insights.analysis.analyse_many`` (sentiment, themes, redaction,
  safeguarding flags) with a set of known names, as the platform runs it.

Prints comments per second for both, the ratio (target: the pipeline at least 0.6 of plain
VADER's rate), and peak memory: the process's peak resident set size (``resource``
ru_maxrss, the whole run), and the tracemalloc peak of Python allocations while the
pipeline analyses a 10,000-comment batch (measured in a separate pass, so tracing does not
slow the timed runs). Each timed run is repeated (--repeat, default 1) and the best is kept.

Usage: .venv/bin/python bench/bench_insights.py [--n 100000] [--seed 4] [--repeat 1] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peerreview.demo_data import comments as demo  # noqa: E402
from surveys.insights.analysis import analyse_many  # noqa: E402
from surveys.insights.sentiment import plain_analyser  # noqa: E402

TARGET = 0.6

OPENERS = [
    "My child is happy at school.", "Honestly, it is a mixed picture this year.", "Overall a good year.",
    "I have two children here.", "As a new member of staff,", "Speaking as a governor,",
    "We moved here in September.", "Year 4 has been a difficult year.", "The school has changed a lot.",
]
SUBJECTS = ["The teachers", "Leaders", "The office staff", "Lunchtime supervisors", "The SENCO", "Our class teacher",
            "The pastoral team", "Support staff", "The head", "Year 6 staff", "The after-school club",
            "Communication from school", "Homework", "The reading scheme", "Behaviour in the playground",
            "Marking", "The new phonics programme", "School dinners", "The toilets", "Parents' evening"]
VERBS = ["are brilliant", "are approachable and kind", "could be better", "is inconsistent", "has improved a lot",
         "is far too much", "needs more support", "is chaotic at times", "is excellent", "feels rushed",
         "is not good enough", "has been fantastic", "is fine", "is a real strength", "is stressful for everyone",
         "makes a real difference", "is rigorous", "is unsustainable", "has been handled well", "worries me"]
TAILS = ["", "", " this term", " since Easter", " in Year 3", " for children with special educational needs",
         " on Mondays", " compared with last year", " and we are grateful", " but there is more to do"]
NAMES = ["Jamie", "Priya", "Mrs Okafor", "Mr Daniels", "Miss Harper", "Oliver", "Amira", "Mr Brown", "Zara"]
EXTRAS = [
    "Please email me at parent{n}@example.com.", "Call me on 07700 900{n:03d}.", "See www.example.org/p{n}.",
    "{name} was really helpful.", "I spoke to {name} about it.", "Thank you {name}!", "We live near CF10 3AT.",
]
SAFEGUARDING = ["My friend says someone at home hurts her.", "I am scared to go home some days."]


def generate(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = [c for name in ("STAFF_WELL", "STAFF_CHANGE", "PARENT") for c in getattr(demo, name, [])]
    pool += [c for name in dir(demo) if name.isupper() and name not in ("STAFF_WELL", "STAFF_CHANGE", "PARENT")
             for c in getattr(demo, name) if isinstance(c, str)]
    out = []
    for i in range(n):
        parts = []
        roll = rng.random()
        if roll < 0.35:
            parts.append(rng.choice(pool))
        else:
            if roll < 0.5:
                parts.append(rng.choice(OPENERS))
            parts.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}{rng.choice(TAILS)}.")
        if rng.random() < 0.4:
            parts.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}{rng.choice(TAILS)}.")
        if rng.random() < 0.15:
            parts.append(rng.choice(EXTRAS).format(n=i % 1000, name=rng.choice(NAMES)))
        if rng.random() < 0.003:
            parts.append(rng.choice(SAFEGUARDING))
        out.append(" ".join(parts))
    return out


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="Profile the pipeline (cProfile, top 25 by own time).")
    args = parser.parse_args(argv)

    texts = generate(args.n, args.seed)
    names = frozenset({"Okafor", "Daniels", "Harper", "Priya", "Brown"})
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts):,} comments, {words / len(texts):.1f} words on average, seed {args.seed}")

    polarity = plain_analyser().polarity_scores
    analyse_many(texts[:200], names)  # warm caches and lazy imports for both
    [polarity(t) for t in texts[:200]]

    vader_s = timed(lambda: [polarity(t) for t in texts], args.repeat)
    results: list = []

    def pipeline():
        results[:] = analyse_many(texts, names)

    pipeline_s = timed(pipeline, args.repeat)
    vader_rate, pipeline_rate = len(texts) / vader_s, len(texts) / pipeline_s
    ratio = pipeline_rate / vader_rate

    flagged = sum(1 for r in results if r.flags)
    redacted = sum(1 for r in results if r.redacted != r.text)
    themed = sum(1 for r in results if r.themes)
    labels = {k: sum(1 for r in results if r.label == k) for k in ("positive", "neutral", "negative")}

    tracemalloc.start()
    analyse_many(texts[:10_000], names)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux

    print(f"plain nltk VADER : {vader_rate:>9,.0f} comments/s  ({vader_s:.2f} s)")
    print(f"insight pipeline : {pipeline_rate:>9,.0f} comments/s  ({pipeline_s:.2f} s)  "
          "sentiment + themes + redaction + flags")
    print(f"ratio            : {ratio:.2f} of plain VADER's rate (target >= {TARGET})  "
          f"{'PASS' if ratio >= TARGET else 'FAIL'}")
    print(f"peak memory      : {max_rss_kb / 1024:.0f} MB peak RSS (resource ru_maxrss, whole process); "
          f"{traced_peak / 1024 / 1024:.1f} MB tracemalloc peak analysing 10,000 comments")
    print(f"results          : {labels}, themed {themed:,}, redacted {redacted:,}, flagged {flagged:,}")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        analyse_many(texts[:20_000], names)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
