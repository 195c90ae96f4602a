"""Proposing a whole peer review round: teams and days that keep every hard rule.

:func:`propose` works in stages, each with a proven solver from OR-Tools:

0. **Who can review whom.** :func:`rules.allowed_pairs` lists, per host, the reviewers
   allowed to review it (trained, not their own school, no conflict, cluster, trust or
   distance bar). A host with nobody, no possible lead or fewer than ``team_min`` people in
   reach cannot be placed whatever else happens, and is reported straight away.
1. **Most hosts placed.** A greedy pass (nearest available people, hardest hosts first)
   places hosts; if it leaves out any host that has people in reach, CP-SAT maximises the
   number placed, starting from the greedy teams.
2. **Least travel, even load.** With that many hosts placed, the cost is the travel in
   tenths of a km (home school to host, straight line) plus ``LOAD_COST_TENTHS`` times 1, 2,
   ... for each reviewer's second, third, ... review (so work is spread: an extra review is
   only worth 5 km of saved travel). (a) A min-cost flow (OR-Tools) gives the exact cheapest
   teams when reciprocal pairs are ignored, a lower bound on any proposal; reciprocal pairs
   in it are then banned one direction at a time and the flow solved again until none
   remain. (b) CP-SAT then improves those teams, among each host's nearest candidates
   (``NEAREST``, ``NEAREST_LEADS``, plus the teams so far), with teams of ``team_min`` to
   ``team_max``, one lead, the load limit and, unless allowed, no reciprocal pairs, for the
   time left. Larger teams are allowed but never chosen: an extra member only adds travel.
3. **Days.** Each team gets one of ``rules.review_days`` so that no reviewer has two reviews
   on one day, with the busiest day as light as possible: first fit, or CP-SAT when first fit
   is not as even as it could be. Without review days, no days are given. When days are
   scarce (fewer than ``team_max * (load limit - 1) + 1``, so teams chosen without them might
   not fit: three teams sharing people pairwise need three days), the CP-SAT teams models
   of stages 1 and 2 choose a day per team as well, and a host left out because of the days
   is reported as ``no_free_day``.

The result is checked with :func:`rules.violations` before it is returned; a violation there
is a bug and raises. An impossible round never raises: hosts that cannot be placed are listed
in ``Proposal.unplaced`` with the most specific reason found.

Determinism: CP-SAT runs ``NUM_WORKERS`` threads in its deterministic interleaved mode with a
fixed seed, stopped by a deterministic work limit (``DETERMINISTIC_PER_SECOND`` units per
second of ``time_limit_s``), and the flow loop stops after a fixed number of rounds, so one
problem, seed and time limit give one proposal. The wall clock (``time_limit_s``) is only a
safety net; if it bites (a much slower or very busy machine, or a round far bigger than 500
schools) the answer can differ, still keeping every rule. The price of determinism: the
interleaved mode and the modest work limit search less per second than CP-SAT's
free-running parallel mode could; on the 500-school benchmark that mode found 0.04% lower
cost in the same time (bench/bench_pairing.py).

Team sizes: extra members only add travel, so proposals have ``team_min`` members; the web
layer may add people up to ``team_max`` by hand (the rules allow it).
"""
from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from peerreview.reviews.rules import (
    PAIR_CODES, Member, Placement, Problem, ReviewerInfo, allowed_pairs, pair_violations, violations,
)

log = logging.getLogger(__name__)

__all__ = ["Unplaced", "Proposal", "propose", "greedy", "LOAD_COST_TENTHS"]

Team = list[tuple[int, bool]]  # (person_id, is_lead), lead first

#: Cost of each review beyond a reviewer's first, in tenths of a km of travel; the k-th
#: extra review costs k times this, so the solver spreads the work.
LOAD_COST_TENTHS = 50
#: Candidates the CP-SAT teams model considers per host: its NEAREST nearest reviewers and
#: NEAREST_LEADS nearest possible leads (all, when it has fewer), plus the pairs in the teams
#: it starts from. Far pairs almost never pay, and leaving them out keeps big rounds quick.
NEAREST = 12
NEAREST_LEADS = 6
#: Shares of the deterministic work budget for each CP-SAT stage (stage 1 only runs when
#: greedy leaves out a placeable host).
STAGE1_SHARE = 0.35
LEAST_COST_SHARE = 0.45
DAYS_SHARE = 0.2
#: The reciprocal-repair flow loop stops at a proposal without reciprocal pairs, or after
#: this many solves (deterministic); the time limit is only a safety net for it.
FLOW_MAX_ROUNDS = 60
#: The CP-SAT improvement stage is skipped when less than this is left of the time limit.
MIN_SOLVE_S = 0.3
#: Seconds kept back for the days model.
DAYS_RESERVE_S = 1.0
#: CP-SAT threads (the machine has 2 cores); deterministic for a given number.
NUM_WORKERS = 2
#: CP-SAT deterministic time units per second of budget. In interleaved mode its
#: deterministic clock runs 5-15 times slower than the wall clock on a 500-school round, so
#: this keeps a run inside its budget on this kind of machine (2 cores) and deterministic.
DETERMINISTIC_PER_SECOND = 0.05


@dataclass
class Unplaced:
    """A host the proposal could not place. Codes: ``no_trained_reviewers_in_reach`` (nobody
    may review it; ``detail["blocked"]`` counts the reasons over all reviewers, one reviewer
    possibly under several), ``no_lead_in_reach``, ``not_enough_reviewers_in_reach`` (fewer
    than ``team_min``), ``capacity`` (people in reach, but all needed elsewhere, or barred by
    the reciprocal rule or the load limit), ``no_free_day`` (a team, but no review day free
    for all of it)."""

    host_id: int
    code: str
    detail: dict = field(default_factory=dict)


@dataclass
class Proposal:
    """A proposed round. ``loads`` maps each reviewer used to their number of reviews;
    ``load_spread`` is max minus min of those loads, over the reviewers used only (trained
    reviewers left out of the round are not counted). ``total_km`` sums the known distances
    of every member's trip. ``status``: ``optimal`` (proved: no proposal places more hosts,
    or as many with less travel-and-load cost), ``feasible`` (keeps every rule, not proved
    best), ``infeasible`` (there are hosts and none could be placed)."""

    placements: list[Placement]
    unplaced: list[Unplaced]
    total_km: float
    loads: dict[int, int]
    load_spread: int
    status: str
    seconds: float
    #: The cost minimised once the most hosts are placed: travel in tenths of a km plus the
    #: load penalties (LOAD_COST_TENTHS). And a proved lower bound on that cost (the min-cost
    #: flow without the reciprocal rule), given when every host with people in reach is
    #: placed. Both None for the greedy baseline.
    cost: int | None = None
    lower_bound: int | None = None


def propose(problem: Problem, *, time_limit_s: float = 8.0, seed: int = 0) -> Proposal:
    """Teams and days for the whole round: as many hosts placed as the rules allow, then
    the least travel and the most even load. Never raises for an impossible round."""
    start = time.perf_counter()
    deadline = start + time_limit_s
    # CP-SAT stops on deterministic work; the wall clock (the time left, less a reserve for the
    # days) is only a safety net.
    work = time_limit_s * DETERMINISTIC_PER_SECOND
    reserve = DAYS_RESERVE_S if problem.rules.review_days else 0.0
    days = tuple(sorted(set(problem.rules.review_days)))
    cap = _capacity(problem)
    pairs = allowed_pairs(problem)

    unplaced: dict[int, Unplaced] = {}
    solvable: list[int] = []
    for h in problem.hosts:
        reason = _reach_reason(problem, h, pairs[h], cap)
        if reason is None:
            solvable.append(h)
        else:
            unplaced[h] = reason

    teams: dict[int, Team] = {}
    optimal = True
    bound = None
    scarce = False
    if solvable:
        cost = _costs(pairs, solvable)
        # With few days, teams chosen without them may not fit into the days (three teams
        # sharing people pairwise need three days); then the CP-SAT models choose days too.
        scarce = bool(days) and len(days) < problem.rules.team_max * (cap - 1) + 1
        model_days = days if scarce else ()
        start_days: dict[int, date | None] = {}
        teams = _greedy_teams(problem, pairs, cap, model_days, start_days)
        _log(start, "greedy", teams, cost, solvable=len(solvable), scarce_days=scarce)
        most_proved = len(teams) == len(solvable)
        if not most_proved:
            kept, pruned = _prune(pairs, solvable, teams)
            limit = _Limit(deadline - time.perf_counter() - reserve, work * STAGE1_SHARE)
            model = _TeamsModel(problem, solvable, kept, cap, cost, model_days)
            teams, start_days, proved = model.most_placed(teams, start_days, limit, seed)
            most_proved = proved and not pruned  # else: the most among the nearest candidates
            _log(start, "most placed", teams, cost, proved=proved, pruned=pruned)
        flow, bound = _flow_teams(problem, pairs, sorted(teams), cap, cost, deadline - reserve)
        _log(start, "flow", flow or {}, cost, bound=bound)
        if flow is not None and _objective(flow, cost) < _objective(teams, cost):
            flow_days = _first_fit_days(flow, days) if scarce else {}
            if None not in flow_days.values():
                teams, start_days = flow, flow_days
        kept, pruned = _prune(pairs, solvable, teams)
        budget = deadline - time.perf_counter() - reserve
        proved = False
        if budget >= MIN_SOLVE_S:
            limit = _Limit(budget, work * LEAST_COST_SHARE)
            model = _TeamsModel(problem, solvable, kept, cap, cost, model_days)
            teams, start_days, proved = model.least_cost(teams, start_days, limit, seed)
            _log(start, "least cost", teams, cost, proved=proved, pruned=pruned)
        optimal = most_proved and (
            (proved and not pruned)
            or (bound is not None and len(teams) == len(solvable) and _objective(teams, cost) == bound))

    day_of: dict[int, date | None] = {h: None for h in teams}
    if days and teams:
        limit = _Limit(max(DAYS_RESERVE_S / 2, deadline - time.perf_counter()), work * DAYS_SHARE)
        day_of, days_proved = _solve_days(teams, days, limit, seed, start_days if scarce else None)
        optimal = optimal and days_proved
        for h in list(teams):
            if day_of[h] is None:
                unplaced[h] = Unplaced(h, "no_free_day", {"days": len(days)})
                del teams[h]
                optimal = False

    left_out = [h for h in solvable if h not in teams and h not in unplaced]
    if left_out and scarce:
        # Hosts the days-aware models left out: blame the days when, ignoring days, more
        # hosts (this one among them) fit.
        without_days = _greedy_teams(problem, pairs, cap, ())
        if len(without_days) > len(teams):
            for h in left_out:
                if h in without_days:
                    unplaced[h] = Unplaced(h, "no_free_day", {"days": len(days)})
    for h in left_out:
        if h not in unplaced:
            unplaced[h] = _capacity_reason(h, pairs[h])
    proposal = _finish(problem, pairs, teams, day_of, unplaced, "optimal" if optimal else "feasible", start)
    if solvable:
        proposal.cost = _objective(teams, cost)
        proposal.lower_bound = bound if len(teams) == len(solvable) else None
    return proposal


def greedy(problem: Problem) -> Proposal:
    """A simple baseline keeping the same rules: hosts with the fewest reviewers in reach
    first, each given its nearest available lead, then its nearest other reviewers up to
    ``team_min``, skipping anyone who would break the load, reciprocal or day rules; each
    team on the least busy day all its members are free. No search: a host it cannot fit
    at once stays unplaced (``capacity``)."""
    start = time.perf_counter()
    days = tuple(sorted(set(problem.rules.review_days)))
    cap = _capacity(problem)
    pairs = allowed_pairs(problem)
    day_of: dict[int, date | None] = {}
    teams = _greedy_teams(problem, pairs, cap, days, day_of)
    unplaced = {}
    for h in problem.hosts:
        if h not in teams:
            unplaced[h] = _reach_reason(problem, h, pairs[h], cap) or _capacity_reason(h, pairs[h])
    return _finish(problem, pairs, teams, day_of, unplaced, "feasible", start)


# --- greedy ----------------------------------------------------------------------------------

def _greedy_teams(problem, pairs, cap, days, day_of=None) -> dict[int, Team]:
    """Nearest-first teams of ``team_min`` (see :func:`greedy`); with ``days``, each team also
    gets the least busy day its members are free, written into ``day_of``."""
    rules = problem.rules
    load: dict[int, int] = defaultdict(int)
    busy: dict[int, set[date]] = defaultdict(set)
    on_team_of: dict[int, set[int]] = defaultdict(set)  # host -> home schools on its team
    per_day: dict[date, int] = defaultdict(int)
    teams: dict[int, Team] = {}

    def usable(r: ReviewerInfo, h: int, day, taken: list[ReviewerInfo]) -> bool:
        return (load[r.person_id] < cap
                and all(t.person_id != r.person_id for t in taken)
                and (day is None or day not in busy[r.person_id])
                and (rules.allow_reciprocal or h not in on_team_of[r.school_id]))

    for h in sorted(problem.hosts, key=lambda h: (len(pairs[h]), h)):
        if _reach_reason(problem, h, pairs[h], cap, explain=False) is not None:
            continue
        for day in (sorted(days, key=lambda d: (per_day[d], d)) if days else (None,)):
            lead = next((r for r, _ in pairs[h] if r.can_lead and usable(r, h, day, [])), None)
            if lead is None:
                continue
            team = [lead]
            for r, _ in pairs[h]:
                if len(team) >= rules.team_min:
                    break
                if usable(r, h, day, team):
                    team.append(r)
            if len(team) < rules.team_min:
                continue
            teams[h] = [(lead.person_id, True)] + [(r.person_id, False) for r in team[1:]]
            for r in team:
                load[r.person_id] += 1
                on_team_of[h].add(r.school_id)
                if day is not None:
                    busy[r.person_id].add(day)
            if day is not None:
                per_day[day] += 1
                day_of[h] = day
            break
    return teams


# --- the min-cost flow -------------------------------------------------------------------------

def _flow_teams(problem, pairs, hosts, cap, cost, deadline):
    """Cheapest teams of ``team_min`` for exactly ``hosts`` (every one of them placed).

    Network: source -> reviewer (``cap`` unit arcs costing 0, 1, 2... x LOAD_COST_TENTHS)
    -> host's lead slot (demand 1, possible leads only) or member slot (demand team_min - 1),
    through a unit node per (possible lead, host) so nobody fills both slots of one team.
    Returns (teams or None, lower bound): the bound is the cost of the first solve, which
    ignores the reciprocal rule; the teams keep every rule, or are None when banning
    reciprocal pairs made the flow infeasible or time ran out."""
    rules = problem.rules
    if not hosts:
        return {}, 0
    school_of = {r.person_id: r.school_id for r in problem.reviewers}
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(t, h, c, w) -> int:
        tails.append(t)
        heads.append(h)
        caps.append(c)
        costs.append(w)
        return len(tails) - 1

    next_node = 1  # 0 is the source

    def new_node() -> int:
        nonlocal next_node
        next_node += 1
        return next_node - 1

    members_needed = rules.team_min - 1
    lead_slot = {h: new_node() for h in hosts}
    member_slot = {h: new_node() for h in hosts} if members_needed else {}
    person_node: dict[int, int] = {}
    entry: dict[tuple[int, int], int] = {}  # (person, host) -> arc into the team
    lead_arc: dict[tuple[int, int], int] = {}
    direction: dict[tuple[int, int], list[int]] = defaultdict(list)  # (school, host) -> entry arcs
    for h in hosts:
        for r, _ in pairs[h]:
            k = (r.person_id, h)
            if r.person_id not in person_node:
                person_node[r.person_id] = new_node()
            pn = person_node[r.person_id]
            if r.can_lead:
                mid = new_node()
                entry[k] = arc(pn, mid, 1, cost[k])
                lead_arc[k] = arc(mid, lead_slot[h], 1, 0)
                if members_needed:
                    arc(mid, member_slot[h], 1, 0)
            elif members_needed:
                entry[k] = arc(pn, member_slot[h], 1, cost[k])
            else:
                continue
            direction[(r.school_id, h)].append(entry[k])
    for pn in person_node.values():
        for k in range(cap):
            arc(0, pn, 1, LOAD_COST_TENTHS * k)

    entry_keys = list(entry)
    entry_arcs = np.fromiter(entry.values(), dtype=np.int32, count=len(entry))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = [0] * next_node
    supplies[0] = len(hosts) * rules.team_min
    for h in hosts:
        supplies[lead_slot[h]] = -1
        if members_needed:
            supplies[member_slot[h]] = -members_needed
    flow.set_nodes_supplies(list(range(next_node)), supplies)

    bound = None
    rounds = 0
    while True:
        if flow.solve() != flow.OPTIMAL:
            return None, bound
        if bound is None:
            bound = flow.optimal_cost()
        teams: dict[int, Team] = defaultdict(list)
        for i in np.flatnonzero(flow.flows(entry_arcs)):
            pid, h = entry_keys[i]
            teams[h].append((pid, (pid, h) in lead_arc and flow.flow(lead_arc[(pid, h)]) > 0))
        teams = {h: sorted(t, key=lambda m: (not m[1], m[0])) for h, t in teams.items()}
        if rules.allow_reciprocal:
            return teams, bound
        on_team = {h: {school_of[pid] for pid, _ in t} for h, t in teams.items()}
        clashes = [(a, b) for a in sorted(on_team) for b in sorted(on_team[a])
                   if a < b and b in on_team and a in on_team[b]]
        if not clashes:
            return teams, bound
        rounds += 1
        if rounds >= FLOW_MAX_ROUNDS or time.perf_counter() > deadline:
            return None, bound
        for a, b in clashes:
            # Ban the direction with fewer people to move; on a tie, move people away from
            # the host with more candidates (easier to refill); then by id.
            from_b = sum(1 for pid, _ in teams[a] if school_of[pid] == b)
            from_a = sum(1 for pid, _ in teams[b] if school_of[pid] == a)
            ban = (b, a) if (from_b, -len(pairs[a]), a) < (from_a, -len(pairs[b]), b) else (a, b)
            for arc_id in direction[ban]:
                flow.set_arc_capacity(arc_id, 0)


# --- the CP-SAT models -------------------------------------------------------------------------

class _TeamsModel:
    """Teams for ``hosts`` from the candidate ``pairs`` (see the module docstring)."""

    def __init__(self, problem, hosts, pairs, cap, cost, days=()):
        rules = problem.rules
        self.hosts, self.pairs, self.days = hosts, pairs, days
        m = self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.y: dict[tuple[int, int], cp_model.IntVar] = {}
        self.p: dict[int, cp_model.IntVar] = {}
        self.b: dict[int, list[cp_model.IntVar]] = {}
        self.z: dict[tuple[int, int], cp_model.IntVar] = {}
        self.cost = cost
        self.school_of = school_of = {r.person_id: r.school_id for r in problem.reviewers}
        host_set = set(hosts)
        by_person: dict[int, list[int]] = defaultdict(list)
        for h in hosts:
            self.p[h] = m.new_bool_var(f"p{h}")
            xs, ys = [], []
            for r, _ in pairs[h]:
                k = (r.person_id, h)
                xs.append(x := m.new_bool_var(f"x{k}"))
                self.x[k] = x
                by_person[r.person_id].append(h)
                if r.can_lead:
                    ys.append(y := m.new_bool_var(f"y{k}"))
                    self.y[k] = y
                    m.add_implication(y, x)
            m.add(sum(xs) >= rules.team_min * self.p[h])
            m.add(sum(xs) <= rules.team_max * self.p[h])
            m.add(sum(ys) == self.p[h])

        penalty = []
        for pid, hs in by_person.items():
            load = sum(self.x[(pid, h)] for h in hs)
            m.add(load <= cap)
            extra = min(cap, len(hs)) - 1
            if extra > 0:
                # b[k]: the reviewer takes a (k+2)-th review, costing (k+1) x LOAD_COST_TENTHS.
                b = [m.new_bool_var(f"b{pid}_{k}") for k in range(extra)]
                self.b[pid] = b
                m.add(load <= 1 + sum(b))
                for k in range(1, extra):
                    m.add_implication(b[k], b[k - 1])
                penalty.extend(LOAD_COST_TENTHS * (k + 1) * v for k, v in enumerate(b))
        self.cost_expr = sum(cost[k] * v for k, v in self.x.items()) + sum(penalty)

        if not rules.allow_reciprocal:
            # z[(A, B)]: someone from school A is on host B's team; never both z[A,B] and z[B,A].
            from_school: dict[tuple[int, int], list] = defaultdict(list)
            for (pid, h), v in self.x.items():
                from_school[(school_of[pid], h)].append(v)
            z = self.z
            for (a, b), xs in from_school.items():
                if a in host_set and (b, a) in from_school:
                    z[(a, b)] = m.new_bool_var(f"z{a}_{b}")
                    for v in xs:
                        m.add_implication(v, z[(a, b)])
            for (a, b) in z:
                if a < b:
                    m.add_bool_or([z[(a, b)].Not(), z[(b, a)].Not()])

        # Days, when they are scarce: two teams sharing a reviewer are on different days.
        self.day: dict[int, cp_model.IntVar] = {}
        if days:
            self.day = {h: m.new_int_var(0, len(days) - 1, f"day{h}") for h in hosts}
            for pid, hs in by_person.items():
                for i, h1 in enumerate(hs):
                    for h2 in hs[i + 1:]:
                        m.add(self.day[h1] != self.day[h2]).only_enforce_if(self.x[(pid, h1)], self.x[(pid, h2)])

    def most_placed(self, start: dict[int, Team], start_days, limit: _Limit, seed: int):
        """(teams, days, proved): the most hosts placed, starting from ``start``; days are
        chosen too when the model has them (else the dict is empty)."""
        self.model.maximize(sum(self.p.values()))
        solver, result = self._solve(start, start_days, limit, seed)
        if result in (cp_model.OPTIMAL, cp_model.FEASIBLE) and round(solver.objective_value) > len(start):
            start, start_days = self._read(solver)
        return start, start_days, result == cp_model.OPTIMAL

    def least_cost(self, start: dict[int, Team], start_days, limit: _Limit, seed: int):
        """(teams, days, proved): as many placed as ``start``, at the least travel and load cost."""
        self.model.add(sum(self.p.values()) >= len(start))
        self.model.minimize(self.cost_expr)
        solver, result = self._solve(start, start_days, limit, seed)
        if result in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found, found_days = self._read(solver)
            if len(found) >= len(start) and _objective(found, self.cost) <= _objective(start, self.cost):
                return found, found_days, result == cp_model.OPTIMAL
        return start, start_days, False  # nothing better in time: the starting teams keep every rule

    def _solve(self, start, start_days, limit: _Limit, seed):
        m = self.model
        m.clear_hints()
        index = {d: k for k, d in enumerate(self.days)}
        for h, v in self.day.items():
            if start_days.get(h) is not None:
                m.add_hint(v, index[start_days[h]])
        chosen = {(pid, h): lead for h, t in start.items() for pid, lead in t}
        for h, v in self.p.items():
            m.add_hint(v, h in start)
        for k, v in self.x.items():
            m.add_hint(v, k in chosen)
        for k, v in self.y.items():
            m.add_hint(v, bool(chosen.get(k)))
        load: dict[int, int] = defaultdict(int)
        on_team: set[tuple[int, int]] = set()
        for (pid, h) in chosen:
            load[pid] += 1
            on_team.add((self.school_of[pid], h))
        for pid, b in self.b.items():
            for k, v in enumerate(b):
                m.add_hint(v, load[pid] >= k + 2)
        for k, v in self.z.items():
            m.add_hint(v, k in on_team)
        solver = _solver(limit, seed)
        result = solver.solve(m)
        log.debug("CP-SAT teams: %s in %.2f s wall, %.3f deterministic (limits %.2f s, %.3f)",
                  solver.status_name(result), solver.wall_time, solver.deterministic_time, *limit)
        return solver, result

    def _read(self, solver) -> tuple[dict[int, Team], dict[int, date]]:
        teams, days = {}, {}
        for h in self.hosts:
            if solver.boolean_value(self.p[h]):
                t = [(r.person_id, (r.person_id, h) in self.y and solver.boolean_value(self.y[(r.person_id, h)]))
                     for r, _ in self.pairs[h] if solver.boolean_value(self.x[(r.person_id, h)])]
                teams[h] = sorted(t, key=lambda m: (not m[1], m[0]))
                if self.day:
                    days[h] = self.days[solver.value(self.day[h])]
        return teams, days


def _first_fit_days(teams: dict[int, Team], days: tuple[date, ...]) -> dict[int, date | None]:
    """Each team, those of the busiest reviewers first, on the least busy day all its
    members are free; None when there is no such day."""
    hosts_of: dict[int, list[int]] = defaultdict(list)
    for h, t in teams.items():
        for pid, _ in t:
            hosts_of[pid].append(h)
    count = dict.fromkeys(days, 0)
    busy: dict[int, set[date]] = defaultdict(set)
    found: dict[int, date | None] = {}
    for h in sorted(teams, key=lambda h: (-sum(len(hosts_of[p]) for p, _ in teams[h]), h)):
        free = [d for d in days if not any(d in busy[p] for p, _ in teams[h])]
        found[h] = choice = min(free, key=lambda d: (count[d], d)) if free else None
        if choice is not None:
            count[choice] += 1
            for p, _ in teams[h]:
                busy[p].add(choice)
    return found


def _solve_days(teams: dict[int, Team], days: tuple[date, ...], limit: _Limit, seed: int, known=None):
    """(day per host, proved): one day per team, nobody twice on a day, the busiest day as
    light as possible; None for a team that cannot be given a day. ``known``: days already
    found for every team (by the teams model), the fallback if this model finds nothing."""
    model = cp_model.CpModel()
    n = len(days)
    d = {(h, k): model.new_bool_var(f"d{h}_{k}") for h in teams for k in range(n)}
    q = {h: model.new_bool_var(f"q{h}") for h in teams}
    for h in teams:
        model.add(sum(d[(h, k)] for k in range(n)) == q[h])
    hosts_of: dict[int, list[int]] = defaultdict(list)
    for h, t in teams.items():
        for pid, _ in t:
            hosts_of[pid].append(h)
    for hs in hosts_of.values():
        if len(hs) > 1:
            for k in range(n):
                model.add_at_most_one(d[(h, k)] for h in hs)
    busiest = model.new_int_var(0, len(teams), "busiest")
    for k in range(n):
        model.add(sum(d[(h, k)] for h in teams) <= busiest)
    model.minimize(busiest - (len(teams) + 1) * sum(q.values()))

    # Starting point and fallback: the days known from the teams model, or first fit,
    # whichever gives more teams a day.
    start = _first_fit_days(teams, days)
    if known is not None and sum(known.get(h) is not None for h in teams) > sum(v is not None for v in start.values()):
        start = {h: known.get(h) for h in teams}
    placed = [v for v in start.values() if v is not None]
    if len(placed) == len(teams) and max(Counter(placed).values()) == -(-len(teams) // n):
        return start, True  # every team has a day and the busiest day cannot be lighter
    index = {day: k for k, day in enumerate(days)}
    for h in teams:
        model.add_hint(q[h], start[h] is not None)
        for k in range(n):
            model.add_hint(d[(h, k)], start[h] is not None and index[start[h]] == k)

    solver = _solver(limit, seed)
    result = solver.solve(model)
    log.debug("CP-SAT days: %s in %.2f s wall, %.3f deterministic (limits %.2f s, %.3f)",
              solver.status_name(result), solver.wall_time, solver.deterministic_time, *limit)
    if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start, False
    day_of = {h: next((days[k] for k in range(n) if solver.boolean_value(d[(h, k)])), None) for h in teams}
    if sum(v is not None for v in day_of.values()) < len(placed):
        return start, False
    return day_of, result == cp_model.OPTIMAL


class _Limit(NamedTuple):
    wall_s: float  # safety cap from the time left
    work: float  # deterministic time: the limit that normally stops the search


def _solver(limit: _Limit, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = NUM_WORKERS
    params.interleave_search = True
    params.random_seed = seed
    params.max_deterministic_time = max(0.01, limit.work)
    params.max_time_in_seconds = max(0.2, limit.wall_s)
    return solver


# --- helpers --------------------------------------------------------------------------------

def _log(start, stage, teams, cost, **extra):
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%6.2f s %-11s placed %d cost %d %s", time.perf_counter() - start, stage, len(teams),
                  _objective(teams, cost), " ".join(f"{k}={v}" for k, v in extra.items()))


def _capacity(problem: Problem) -> int:
    """Reviews one reviewer may take: the load limit, and no more than there are days."""
    cap = problem.rules.max_reviews_per_reviewer
    if problem.rules.review_days:
        cap = min(cap, len(set(problem.rules.review_days)))
    return cap


def _costs(pairs, hosts) -> dict[tuple[int, int], int]:
    """Travel cost of each candidate pair in tenths of a km. A pair of unknown distance
    (allowed only with no maximum distance) costs more than any known one."""
    known = [km for h in hosts for _, km in pairs[h] if km is not None]
    unknown = int(round(max(known, default=0.0) * 10)) + 10
    return {(r.person_id, h): unknown if km is None else int(round(km * 10)) for h in hosts for r, km in pairs[h]}


def _objective(teams: dict[int, Team], cost) -> int:
    load: dict[int, int] = defaultdict(int)
    total = 0
    for h, t in teams.items():
        for pid, _ in t:
            total += cost[(pid, h)]
            load[pid] += 1
    return total + sum(LOAD_COST_TENTHS * n * (n - 1) // 2 for n in load.values())


def _prune(pairs, hosts, teams: dict[int, Team]):
    """The candidates the CP-SAT teams model keeps (see NEAREST); True if any were left out."""
    chosen = {(pid, h) for h, t in teams.items() for pid, _ in t}
    kept, pruned = {}, False
    for h in hosts:
        leads, keep = 0, []
        for i, (r, km) in enumerate(pairs[h]):  # nearest first
            if i < NEAREST or (r.can_lead and leads < NEAREST_LEADS) or (r.person_id, h) in chosen:
                keep.append((r, km))
                leads += r.can_lead
        pruned = pruned or len(keep) < len(pairs[h])
        kept[h] = keep
    return kept, pruned


def _reach_reason(problem: Problem, h: int, cands, cap: int, explain: bool = True) -> Unplaced | None:
    """Why host ``h`` cannot be placed whatever else happens in the round, or None. Without
    ``explain``, a host nobody can review is not given the (slower) count of reasons."""
    rules = problem.rules
    if not cands:
        return Unplaced(h, "no_trained_reviewers_in_reach", _blocked(problem, h) if explain else {})
    leads = sum(1 for r, _ in cands if r.can_lead)
    if leads == 0:
        return Unplaced(h, "no_lead_in_reach", {"in_reach": len(cands)})
    if len(cands) < rules.team_min:
        return Unplaced(h, "not_enough_reviewers_in_reach", {"in_reach": len(cands), "team_min": rules.team_min})
    if cap == 0:  # max_reviews_per_reviewer is 0
        return Unplaced(h, "capacity", {"in_reach": len(cands), "leads_in_reach": leads, "max_reviews": 0})
    return None


def _capacity_reason(h: int, cands) -> Unplaced:
    return Unplaced(h, "capacity", {"in_reach": len(cands), "leads_in_reach": sum(1 for r, _ in cands if r.can_lead)})


def _blocked(problem: Problem, h: int) -> dict:
    """How many reviewers each reason keeps from host ``h`` (a reviewer may count under
    several), for the message on a host nobody can review."""
    counts = dict.fromkeys(PAIR_CODES, 0)
    for r in problem.reviewers:
        for v in pair_violations(problem, r, h):
            counts[v.code] += 1
    return {"reviewers": len(problem.reviewers),
            "trained": sum(1 for r in problem.reviewers if r.trained),
            "blocked": {code: n for code, n in counts.items() if n}}


def _finish(problem, pairs, teams, day_of, unplaced, status, start) -> Proposal:
    km_of = {(r.person_id, h): km for h in teams for r, km in pairs[h]}
    placements = []
    for h in problem.hosts:
        if h in teams:
            members = [Member(pid, lead, None if km_of[(pid, h)] is None else round(km_of[(pid, h)], 1))
                       for pid, lead in teams[h]]
            placements.append(Placement(h, day_of.get(h), members))
    broken = violations(problem, placements)
    if broken:
        raise AssertionError(f"pairing bug: the proposal breaks the rules: {broken[:5]}")
    loads: dict[int, int] = defaultdict(int)
    total = 0.0
    for pl in placements:
        for m in pl.members:
            loads[m.person_id] += 1
            total += km_of[(m.person_id, pl.host_id)] or 0.0
    loads = dict(sorted(loads.items()))
    if problem.hosts and not placements:
        status = "infeasible"
    order = {h: i for i, h in enumerate(problem.hosts)}
    return Proposal(
        placements=placements,
        unplaced=sorted(unplaced.values(), key=lambda u: order[u.host_id]),
        total_km=round(total, 1),
        loads=loads,
        load_spread=(max(loads.values()) - min(loads.values())) if loads else 0,
        status=status,
        seconds=round(time.perf_counter() - start, 3),
    )
