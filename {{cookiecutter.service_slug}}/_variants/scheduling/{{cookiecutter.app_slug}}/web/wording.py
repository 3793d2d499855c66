"""The words a scheduling team uses for formulations and cost components, with the ITC-2007 code
beside them (the code is what the API, the files and the official validators say)."""

from __future__ import annotations

from dataclasses import dataclass

from ..timetabling import Verification
from ..timetabling.formulations import Measure, formulation_terms

FORMULATIONS = {
    "UD1": "basic: room size, days per course, isolated lectures",
    "UD2": "the ITC-2007 competition's weights, adds room changes",
    "UD3": "compact days: gaps in a day, daily load, unsuitable rooms",
    "UD4": "double lectures and compact days; unsuitable rooms are forbidden",
    "UD5": "travel between buildings, gaps in a day, daily load",
    "ITC": "UD2 under the ITC-2007 validator's names",
}

MEASURES = {
    Measure.LECTURES: "Lectures left unscheduled",
    Measure.CONFLICTS: "Clashes (same curriculum or teacher at once)",
    Measure.AVAILABILITY: "Lectures when the course is unavailable",
    Measure.ROOM_OCCUPATION: "Two lectures in one room at once",
    Measure.ROOM_CAPACITY: "Students over the room's seats",
    Measure.MIN_WORKING_DAYS: "Courses spread over too few days",
    Measure.ISOLATED_LECTURES: "Curriculum compactness (isolated lectures)",
    Measure.WINDOWS: "Curriculum compactness (windows)",
    Measure.ROOM_STABILITY: "Courses changing rooms",
    Measure.ROOM_SUITABILITY: "Lectures in an unsuitable room",
    Measure.STUDENT_LOAD: "Curriculum's daily load out of limits",
    Measure.DOUBLE_LECTURES: "Double lectures not back to back",
    Measure.TRAVEL_DISTANCE: "Travel between buildings",
}


def formulation_label(name: str) -> str:
    """The formulation's code and what it is about, for a choice or a page."""
    about = FORMULATIONS.get(name.upper())
    return f"{name} — {about}" if about else name


@dataclass(frozen=True)
class ComponentView:
    label: str  # plain words
    code: str  # the validator's name
    hard: bool
    weight: int
    value: int


def components_view(verification: Verification) -> list[ComponentView]:
    """The verifier's components, each named in plain words with its code."""
    terms = formulation_terms(verification.formulation)
    measure_of = {t.component: t.measure for t in terms}
    return [
        ComponentView(
            label=MEASURES.get(measure_of[c.name], c.name) if c.name in measure_of else c.name,
            code=c.name,
            hard=c.hard,
            weight=c.weight,
            value=c.value,
        )
        for c in verification.components
    ]


def component_labels(verification: Verification) -> dict[str, str]:
    """Component code -> "plain words (Code)", for sentences about violations."""
    return {c.code: f"{c.label} ({c.code})" for c in components_view(verification)}
