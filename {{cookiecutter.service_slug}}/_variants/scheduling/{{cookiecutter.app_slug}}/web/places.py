"""How the pages word a guided move: where a lecture could go and what each place would change
(the verifier's sentences), for the grid's script (JSON) and the "Find a place" list."""

from __future__ import annotations

from typing import Any

from ..clock import Clock
from ..lectures import Lecture
from ..models import Problem
from ..selectors.placement import LecturePlaces, lecture_places
from ..timetabling import Verification
from ..timetabling.placement import Outcome, Placement, best_placements

MAX_REASONS = 4  # sentences per place; the rest are counted
BEST_COUNT = 5  # places "Find a place" lists


def outcome_summary(outcome: Outcome) -> str:
    """What a change does, in a few words: "breaks 1 hard rule, +6 soft", "saves 2"."""
    parts = []
    if outcome.hard > 0:
        parts.append(f"breaks {_count(outcome.hard, 'hard rule')}")
    elif outcome.hard < 0:
        parts.append(f"mends {_count(-outcome.hard, 'hard violation')}")
    if outcome.cost > 0:
        parts.append(f"+{outcome.cost} soft")
    elif outcome.cost < 0:
        parts.append(f"saves {-outcome.cost}")
    return ", ".join(parts) or "no change in cost"


def outcome_reasons(outcome: Outcome, clock: Clock) -> list[str]:
    """The verifier's sentences for what the change brings (hard first, soft by cost) and
    what it ends, each soft one with its points: "+2 Curriculum Cur1 has an isolated lecture
    ...", "-1 no longer: ...". At most MAX_REASONS, the rest counted."""
    hard = [v for v in outcome.added if v.hard]
    mended = [v for v in outcome.removed if v.hard]
    soft = sorted((v for v in outcome.added if not v.hard), key=lambda v: -v.cost)
    ended = sorted((v for v in outcome.removed if not v.hard), key=lambda v: -v.cost)
    sentences = [clock.relabel(v.message) for v in hard]
    sentences += [f"mends: {clock.relabel(v.message)}" for v in mended]
    sentences += [f"+{v.cost} {clock.relabel(v.message)}" for v in soft]
    sentences += [f"\N{MINUS SIGN}{v.cost} no longer: {clock.relabel(v.message)}" for v in ended]
    if len(sentences) > MAX_REASONS:
        more = len(sentences) - MAX_REASONS
        sentences = [*sentences[:MAX_REASONS], f"and {more} more"]
    return sentences


def place_view(place: Placement, clock: Clock) -> dict[str, Any]:
    """One place as the script and the list show it."""
    room = f"room {place.room}" + ("" if place.room_free else " (taken: two lectures)")
    when = clock.when(place.day, place.period)
    return {
        "day": place.day,
        "period": place.period,
        "room": place.room,
        "room_free": place.room_free,
        "when": when,
        **_outcome_view(place.outcome, clock, f"{when}, {room}"),
    }


def swap_view(outcome: Outcome, clock: Clock) -> dict[str, Any]:
    return _outcome_view(outcome, clock, "swap")


def _outcome_view(outcome: Outcome, clock: Clock, lead: str) -> dict[str, Any]:
    """An outcome's fields for the script and the list; `text` starts with `lead`."""
    summary = outcome_summary(outcome)
    reasons = outcome_reasons(outcome, clock)
    return {
        "kind": outcome.kind,
        "hard": outcome.hard,
        "cost": outcome.cost,
        "summary": summary,
        "reasons": reasons,
        "text": f"{lead}: {summary}" + (f". {'; '.join(reasons)}." if reasons else "."),
    }


def places_payload(places: LecturePlaces, clock: Clock) -> dict[str, Any]:
    """The answer of the places endpoint: every target cell, the swaps, the best few."""
    lec = places.lecture
    return {
        "lecture": lec.key,
        "course": lec.course,
        "pinned": lec.pinned,
        "when": clock.when(lec.day, lec.period),
        "targets": {f"{p.day}-{p.period}": place_view(p, clock) for p in places.placements},
        "swaps": {key: swap_view(o, clock) for key, o in places.swaps.items()},
        "best": [f"{p.day}-{p.period}" for p in best_placements(places.placements, BEST_COUNT)],
    }


def find_a_place(
    problem: Problem,
    lectures: list[Lecture],
    verification: Verification,
    lecture: Lecture,
    clock: Clock,
) -> dict[str, Any] | None:
    """The "Find a place" list of the grid page: the best few places for one lecture of the
    timetable `lectures`."""
    places = lecture_places(
        problem=problem, lectures=lectures, verification=verification, lecture=lecture
    )
    if places is None:
        return None
    found = places.lecture
    return {
        "lecture": found,
        "label": f"{found.course}, {clock.when(found.day, found.period)}, room {found.room}",
        "options": [place_view(p, clock) for p in best_placements(places.placements, BEST_COUNT)],
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
