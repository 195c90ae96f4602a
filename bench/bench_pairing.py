"""Proposing a peer review round for a large partnership, beside a greedy baseline.

Generates (deterministically with --seed) a partnership spread like a real one: N schools
(default 500) in a 100 x 100 km region, most of them in towns of different sizes and the
rest scattered across the countryside, a few (0.5%) with no location; clusters of 5-8
neighbouring schools; a few trusts (about a third of the schools); 3 reviewers per school
(about 80% trained, about 30% able to lead) and some declared conflicts of interest with
nearby schools. Every school hosts a review. Rules: teams of 2-3, at most 2 reviews each,
at most 25 km, no reviewer from the host's cluster, no reciprocal pairs, reviews on the
weekdays of four weeks.

Then, on the same problem:

- the solver: ``peerreview.reviews.pairing.propose`` (OR-Tools CP-SAT), target under 10 s;
- the baseline: ``peerreview.reviews.pairing.greedy`` (nearest available reviewers, hardest
  hosts first, the same rules, no search).

Prints for each: time, hosts placed and unplaced (reasons counted), total travel, mean km per
team member, the load (min/max/mean reviews per reviewer used, and spread), team sizes and the
status; and peak memory: the process's peak resident set size (``resource`` ru_maxrss, the whole
run) and the tracemalloc peak of Python allocations during one propose() (a separate, traced
pass, so tracing does not slow the timed run; the C++ solver's own memory shows only in RSS).
The fingerprint (a hash of the placements) shows a second run with the same seed gives the
same proposal. Set PAIRING_DEBUG=1 to see each stage's time and cost.

Usage: .venv/bin/python bench/bench_pairing.py [--schools 500] [--per-school 3] [--seed 1] [--time-limit 8]
       [--max-km 25] [--no-trace]
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import math
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peerreview.reviews.pairing import greedy, propose  # noqa: E402
from peerreview.reviews.rules import Place, Problem, ReviewerInfo, RoundRules, violations  # noqa: E402

TARGET_S = 10.0
ORIGIN = (300_000, 200_000)  # OSGB metres; any inland square would do


def make_problem(schools: int, per_school: int, seed: int, max_km: float = 25.0) -> Problem:
    rng = random.Random(seed)
    # Towns: centre, spread (km) and weight (how many schools it draws).
    towns = [(rng.uniform(5, 95), rng.uniform(5, 95), rng.uniform(1.5, 5.0), rng.paretovariate(1.2))
             for _ in range(18)]
    total_w = sum(t[3] for t in towns)
    coords: list[tuple[float, float]] = []
    for _ in range(schools):
        if rng.random() < 0.2:  # rural
            coords.append((rng.uniform(0, 100), rng.uniform(0, 100)))
            continue
        pick = rng.uniform(0, total_w)
        for tx, ty, spread, w in towns:
            pick -= w
            if pick <= 0:
                break
        coords.append((min(100, max(0, rng.gauss(tx, spread))), min(100, max(0, rng.gauss(ty, spread)))))

    ids = list(range(1, schools + 1))
    # Clusters: walk the schools in a space-filling order (by 10 km strips, snaking) and cut
    # runs of 5-8 neighbours.
    order = sorted(ids, key=lambda i: (int(coords[i - 1][1] // 10),
                                       coords[i - 1][0] if int(coords[i - 1][1] // 10) % 2 == 0 else -coords[i - 1][0]))
    cluster_of: dict[int, int] = {}
    pos, cid = 0, 1
    while pos < len(order):
        size = rng.randint(5, 8)
        for i in order[pos:pos + size]:
            cluster_of[i] = cid
        pos += size
        cid += 1
    # Trusts: a few, each taking schools near a seed school.
    trust_of: dict[int, str] = {}
    for t in range(8):
        seed_school = rng.choice(ids)
        sx, sy = coords[seed_school - 1]
        near = sorted(ids, key=lambda i: math.dist(coords[i - 1], (sx, sy)))[: rng.randint(8, 30)]
        for i in near:
            trust_of.setdefault(i, f"Trust {t + 1}")
    places = {}
    for i in ids:
        x, y = coords[i - 1]
        located = rng.random() >= 0.005
        places[i] = Place(i, int(ORIGIN[0] + x * 1000) if located else None,
                          int(ORIGIN[1] + y * 1000) if located else None,
                          frozenset({cluster_of[i]}), trust_of.get(i))
    reviewers = []
    pid = 1
    for i in ids:
        for _ in range(per_school):
            conflicts = frozenset()
            if rng.random() < 0.1:
                near = sorted(ids, key=lambda j: math.dist(coords[j - 1], coords[i - 1]))[1:15]
                conflicts = frozenset(rng.sample(near, k=min(len(near), rng.randint(1, 2))))
            reviewers.append(ReviewerInfo(pid, i, trained=rng.random() < 0.8, can_lead=rng.random() < 0.3,
                                          conflicts=conflicts))
            pid += 1
    start = date(2027, 1, 11)  # a Monday
    days = tuple(start + timedelta(days=d) for d in range(28) if (start + timedelta(days=d)).weekday() < 5)
    rules = RoundRules(team_min=2, team_max=3, max_reviews_per_reviewer=2, max_distance_km=max_km,
                       exclude_same_cluster=True, review_days=days)
    return Problem(places=places, hosts=tuple(ids), reviewers=tuple(reviewers), rules=rules)


def describe(name: str, problem: Problem, proposal, seconds: float) -> None:
    members = [m for pl in proposal.placements for m in pl.members]
    loads = list(proposal.loads.values())
    reasons = Counter(u.code for u in proposal.unplaced)
    sizes = Counter(len(pl.members) for pl in proposal.placements)
    per_day = Counter(pl.day for pl in proposal.placements)
    broken = violations(problem, proposal.placements)
    print(f"{name}:")
    print(f"  time                {seconds:.2f} s")
    print(f"  hosts placed        {len(proposal.placements)} of {len(problem.hosts)}; "
          f"unplaced {len(proposal.unplaced)} {dict(sorted(reasons.items()))}")
    print(f"  total travel        {proposal.total_km:,.1f} km over {len(members)} trips, "
          f"mean {proposal.total_km / max(1, len(members)):.2f} km per member")
    if loads:
        print(f"  load                min {min(loads)} max {max(loads)} mean {statistics.mean(loads):.2f} "
              f"reviews per reviewer used ({len(loads)} used); spread {proposal.load_spread}")
    print(f"  team sizes          {dict(sorted(sizes.items()))}; busiest day {max(per_day.values(), default=0)} reviews")
    second = sum(1 for n in loads if n > 1)
    print(f"  reviewers on 2+     {second} reviewers take more than one review")
    if proposal.cost is not None:
        gap = ""
        if proposal.lower_bound:
            gap = (f"; proved lower bound {proposal.lower_bound:,} "
                   f"(within {100 * (proposal.cost - proposal.lower_bound) / proposal.lower_bound:.1f}%)")
        print(f"  cost                {proposal.cost:,} (tenths of km + load penalties){gap}")
    fingerprint = hashlib.sha256(repr([(pl.host_id, pl.day, [(m.person_id, m.lead) for m in pl.members])
                                       for pl in proposal.placements]).encode()).hexdigest()[:12]
    print(f"  status              {proposal.status}; rule violations {len(broken)}; fingerprint {fingerprint}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--per-school", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--max-km", type=float, default=25.0, help="rules.max_distance_km (try 10 for a tight round)")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args()
    if os.environ.get("PAIRING_DEBUG"):
        logging.basicConfig(format="    %(message)s")
        logging.getLogger("peerreview.reviews.pairing").setLevel(logging.DEBUG)

    t = time.perf_counter()
    problem = make_problem(args.schools, args.per_school, args.seed, args.max_km)
    print(f"problem: {len(problem.hosts)} schools, {len(problem.reviewers)} reviewers "
          f"({sum(r.trained for r in problem.reviewers)} trained, "
          f"{sum(r.trained and r.can_lead for r in problem.reviewers)} trained leads), "
          f"{len(problem.rules.review_days)} review days; generated in {time.perf_counter() - t:.2f} s")

    t = time.perf_counter()
    base = greedy(problem)
    base_s = time.perf_counter() - t
    t = time.perf_counter()
    best = propose(problem, time_limit_s=args.time_limit, seed=args.seed)
    best_s = time.perf_counter() - t

    describe("greedy baseline", problem, base, base_s)
    describe("solver (propose)", problem, best, best_s)
    saved = base.total_km - best.total_km
    print(f"solver vs baseline: {len(best.placements) - len(base.placements):+d} hosts placed, "
          f"{-saved:+,.1f} km travel; solver {best_s:.2f} s, target under {TARGET_S:.0f} s: "
          f"{'met' if best_s < TARGET_S else 'MISSED'}")

    if not args.no_trace:
        tracemalloc.start()
        propose(problem, time_limit_s=args.time_limit, seed=args.seed)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak during propose(): {peak / 2**20:.1f} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak RSS (whole run): {rss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
