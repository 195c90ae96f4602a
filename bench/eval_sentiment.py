"""The platform's sentiment against plain nltk VADER, on human-rated text.

Reads each ``*_GroundTruth.txt`` in ../shared/eval/vader/ (tab-separated
``id<TAB>mean rating<TAB>text``; ratings -4..4), scores every line with the platform's
``surveys.insights.sentiment.score`` and with plain nltk VADER (the same lexicon, no
adjustments, ``polarity_scores(text)["compound"]`` on the whole text), and prints per file:
rows, Pearson r against the ratings for both, the difference, PASS/FAIL (the platform may not
fall below plain VADER by more than 0.01), and the 3-class agreement with the ratings
(positive/neutral/negative at +/-0.05 on rating/4 and on compound) for both. Two ablation
columns show where the difference comes from: the sentence roll-up alone (no education
adjustments) and the adjustments alone (whole text, adjusted lexicon).

Then the school check: ``tests/data/sentiment_school.tsv`` (hand-labelled
positive/neutral/negative) with the 3-class agreement for the platform and plain VADER.

Exit code 1 if any file fails the 0.01 rule; 2 if no rated file was found.

Usage: .venv/bin/python bench/eval_sentiment.py [--eval-dir DIR] [--school FILE]
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys.insights import sentiment  # noqa: E402

TOLERANCE = 0.01


def read_rated(path: Path) -> list[tuple[float, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split("\t", 2)
        if len(parts) < 3:
            continue
        try:
            rating = float(parts[1])
        except ValueError:
            continue
        rows.append((rating, parts[2]))
    return rows


def read_school(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        rows.append((label.strip(), text.strip()))
    return rows


def agreement(expected: list[str], scores: list[float]) -> float:
    return sum(e == sentiment.label_for(s) for e, s in zip(expected, scores)) / len(expected)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval" / "vader")
    parser.add_argument("--school", type=Path, default=ROOT / "tests" / "data" / "sentiment_school.tsv")
    args = parser.parse_args(argv)

    files = sorted(args.eval_dir.glob("*_GroundTruth.txt"))
    if not files:
        print(f"No *_GroundTruth.txt files in {args.eval_dir}", file=sys.stderr)
        return 2
    plain = sentiment.plain_analyser().polarity_scores
    adjusted = sentiment.analyser().polarity_scores
    ablations = {
        "roll-up only": lambda t: sentiment._compound(t, plain, lambda s: s),
        "adjust only": lambda t: adjusted(sentiment._for_scoring(t))["compound"],
    }

    header = (f"{'file':<36} {'rows':>6} {'r platform':>10} {'r VADER':>8} {'diff':>8} {'rule':>5} "
              f"{'3cls platform':>13} {'3cls VADER':>10} | {'r roll-up only':>14} {'r adjust only':>13}")
    print(header)
    print("-" * len(header))
    failed = False
    for path in files:
        rows = read_rated(path)
        ratings = [r for r, _ in rows]
        texts = [t for _, t in rows]
        ours = [sentiment.score(t).compound for t in texts]
        base = [plain(t)["compound"] for t in texts]
        r_ours = statistics.correlation(ratings, ours)
        r_base = statistics.correlation(ratings, base)
        diff = r_ours - r_base
        ok = diff >= -TOLERANCE
        failed |= not ok
        expected = [sentiment.label_for(r / 4) for r in ratings]
        extra = [statistics.correlation(ratings, [f(t) for t in texts]) for f in ablations.values()]
        print(f"{path.name:<36} {len(rows):>6} {r_ours:>10.4f} {r_base:>8.4f} {diff:>+8.4f} "
              f"{'PASS' if ok else 'FAIL':>5} {agreement(expected, ours):>13.3f} {agreement(expected, base):>10.3f} | "
              f"{extra[0]:>14.4f} {extra[1]:>13.4f}")

    if args.school.exists():
        rows = read_school(args.school)
        expected = [label for label, _ in rows]
        ours = [sentiment.score(t).compound for _, t in rows]
        base = [plain(t)["compound"] for _, t in rows]
        print()
        print(f"school check ({args.school.name}, {len(rows)} hand-labelled comments): 3-class agreement "
              f"platform {agreement(expected, ours):.3f}, plain VADER {agreement(expected, base):.3f}")
        for (label, text), o, b in zip(rows, ours, base):
            if sentiment.label_for(o) != sentiment.label_for(b):
                mark = "+" if sentiment.label_for(o) == label else ("-" if sentiment.label_for(b) == label else "=")
                print(f"  {mark} {label:<8} platform {o:+.3f} VADER {b:+.3f}  {text}")
    print()
    print("FAIL: the platform falls below plain VADER by more than 0.01 on some file" if failed
          else "PASS: the platform is within 0.01 of plain VADER (or better) on every file")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
