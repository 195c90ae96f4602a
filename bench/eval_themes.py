"""Evaluate theme matching and safeguarding flags against the labelled comments.

    .venv/bin/python bench/eval_themes.py [--set tests/data/comments_labelled.jsonl] [--errors dev]

Reads one JSON object per line ({"text", "voice", "themes", "sentiment", "flags", "split"}),
runs ``match_themes`` and ``flags`` on each text, and prints for the "dev" split (the one the
codebook was tuned on), the held-out "test" split and all lines: precision, recall and F1 for
each theme, micro-F1 (every theme decision pooled) and macro-F1 (the mean of per-theme F1),
and the safeguarding flag's precision and recall. ``--errors SPLIT`` lists the misses and
false alarms in that split. Exits 1 when micro-F1 over all lines is below 0.8.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys.insights.safeguarding import flags  # noqa: E402
from surveys.insights.themes import CODEBOOK, match_themes  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "data" / "comments_labelled.jsonl"
TARGET = 0.8


def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(rows: list[dict]) -> dict:
    """Per-theme counts, micro and macro F1 and the flag's precision and recall."""
    per = {t.key: [0, 0, 0] for t in CODEBOOK}  # tp, fp, fn
    flag_counts = [0, 0, 0]
    errors = []
    for row in rows:
        gold, got = set(row["themes"]), set(match_themes(row["text"]))
        for key in per:
            if key in gold and key in got:
                per[key][0] += 1
            elif key in got:
                per[key][1] += 1
            elif key in gold:
                per[key][2] += 1
        gold_flag, got_flag = "safeguarding" in row.get("flags", []), bool(flags(row["text"]))
        flag_counts[0] += gold_flag and got_flag
        flag_counts[1] += got_flag and not gold_flag
        flag_counts[2] += gold_flag and not got_flag
        if gold != got or gold_flag != got_flag:
            errors.append((row, sorted(got - gold), sorted(gold - got), gold_flag, got_flag))
    totals = [sum(c[i] for c in per.values()) for i in range(3)]
    micro = _prf(*totals)
    scored = {key: _prf(*counts) for key, counts in per.items()}
    present = [key for key, (tp, fp, fn) in per.items() if tp + fp + fn]
    macro = sum(scored[key][2] for key in present) / len(present) if present else 0.0
    return {"per": per, "scored": scored, "micro": micro, "macro": macro, "flags": _prf(*flag_counts),
            "flag_counts": flag_counts, "errors": errors, "n": len(rows)}


def report(name: str, result: dict) -> None:
    print(f"\n== {name}: {result['n']} comments ==")
    print(f"{'theme':<14}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}")
    for theme in CODEBOOK:
        tp, fp, fn = result["per"][theme.key]
        p, r, f = result["scored"][theme.key]
        print(f"{theme.key:<14}{tp + fn:>8}{p:>7.2f}{r:>7.2f}{f:>7.2f}")
    p, r, f = result["micro"]
    print(f"micro: P {p:.3f}  R {r:.3f}  F1 {f:.3f}    macro-F1 {result['macro']:.3f}")
    fp_, fr, _ = result["flags"]
    tp, fp, fn = result["flag_counts"]
    print(f"safeguarding flag: P {fp_:.2f}  R {fr:.2f}  (true {tp}, false alarms {fp}, missed {fn})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--errors", choices=("dev", "test", "all"), help="list the errors in this split")
    args = parser.parse_args(argv)
    rows = load(args.set)
    splits = {"dev": [r for r in rows if r.get("split", "dev") == "dev"],
              "test": [r for r in rows if r.get("split") == "test"], "all": rows}
    results = {name: evaluate(part) for name, part in splits.items()}
    for name in ("dev", "test", "all"):
        report(name + (" (tuned on)" if name == "dev" else " (held out)" if name == "test" else ""), results[name])
    if args.errors:
        print(f"\n== errors in {args.errors} ==")
        for row, extra, missing, gold_flag, got_flag in results[args.errors]["errors"]:
            flag = f"  flag gold={gold_flag} got={got_flag}" if gold_flag != got_flag else ""
            print(f"+{extra} -{missing}{flag}  {row['text']}")
    micro = results["all"]["micro"][2]
    print(f"\noverall micro-F1 {micro:.3f} (target {TARGET})")
    return 0 if micro >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
