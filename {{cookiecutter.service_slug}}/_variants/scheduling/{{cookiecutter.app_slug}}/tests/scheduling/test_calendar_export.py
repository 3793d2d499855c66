"""Calendar exports for a real term: the problem's time zone, term dates and clock times,
events with TZID and a VTIMEZONE recurring weekly until the term ends, globally unique UIDs;
read alike by the icalendar library and by vobject, an independent parser."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil.rrule import rrulestr

from ...services.problems import problem_import
from ...services.revisions import revision_import
from .conftest import TOY_SOLUTION, demo_bytes

pytestmark = pytest.mark.django_db

# Europe/Rome moves its clocks on 2027-03-28: the term below spans the change.
ROME_TERM = {
    "time_zone": "Europe/Rome",
    "term_start": "2027-03-01",
    "term_end": "2027-04-30",
    "day_start": "08:30",
    "period_minutes": 45,
}


def ics_of(client, revision, query: str = "") -> bytes:
    response = client.get(f"/api/v1/revisions/{revision.pk}/export/?format=ics{query}")
    assert response.status_code == 200, response.content
    return response.content


def occurrences_by_icalendar(body: bytes) -> dict[str, list[datetime]]:
    found = {}
    for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        rule = event["rrule"].to_ical()
        text = rule.decode() if isinstance(rule, bytes) else str(rule)
        found[str(event["uid"])] = list(rrulestr(text, dtstart=event.decoded("dtstart")))
    return found


def occurrences_by_vobject(body: bytes) -> dict[str, list[datetime]]:
    calendar = vobject.readOne(body.decode())
    return {
        event.uid.value: list(event.getrruleset(addRDate=True)) for event in calendar.vevent_list
    }


def test_a_problem_keeps_its_terms_calendar(scheduler_client, reader_client, toy):
    url = f"/api/v1/problems/{toy.pk}/"
    assert reader_client.patch(url, ROME_TERM, format="json").status_code == 403
    response = scheduler_client.patch(url, ROME_TERM, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["time_zone"], body["term_end"], body["day_start"]) == (
        "Europe/Rome",
        "2027-04-30",
        "08:30:00",
    )
    assert body["version"] == 1  # not problem data: nothing to solve again


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "Unknown time zone"),
        ({"term_start": "2027-05-01", "term_end": "2027-04-01"}, "cannot end"),
        ({"period_minutes": 0}, "period_minutes"),
    ],
)
def test_a_bad_calendar_is_refused_and_nothing_changes(scheduler_client, toy, change, field):
    response = scheduler_client.patch(f"/api/v1/problems/{toy.pk}/", change, format="json")
    assert response.status_code == 400
    assert field in response.content.decode()
    toy.refresh_from_db()
    assert (toy.time_zone, toy.term_start, toy.period_minutes) == ("", None, 60)


def test_events_recur_in_the_terms_zone_until_it_ends(scheduler_client, toy, toy_revision):
    scheduler_client.patch(f"/api/v1/problems/{toy.pk}/", ROME_TERM, format="json")
    body = ics_of(scheduler_client, toy_revision)
    calendar = icalendar.Calendar.from_ical(body)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    assert b"DTSTART;TZID=Europe/Rome:" in body

    rome = ZoneInfo("Europe/Rome")
    by_icalendar = occurrences_by_icalendar(body)
    assert len(by_icalendar) == 16  # the toy timetable's lectures
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        times = by_icalendar[str(event["uid"])]
        # Weekly from its day in the first week to the term's last day, at the same clock time
        # before and after the clocks change.
        assert times[0] == start
        assert times[-1].date() <= date(2027, 4, 30) < times[-1].date() + timedelta(weeks=1)
        assert {t.astimezone(rome).time() for t in times} == {start.time()}
        assert (start.time().hour * 60 + start.time().minute - 8 * 60 - 30) % 45 == 0
        assert all(b - a == timedelta(weeks=1) for a, b in pairwise(times))

    by_vobject = occurrences_by_vobject(body)
    assert by_vobject.keys() == by_icalendar.keys()
    for uid, times in by_icalendar.items():
        assert [t.astimezone(UTC) for t in by_vobject[uid]] == [t.astimezone(UTC) for t in times]


def test_uids_are_unique_stable_and_differ_between_problems(
    scheduler_client, scheduler, toy, toy_revision
):
    whole = occurrences_by_icalendar(ics_of(scheduler_client, toy_revision)).keys()
    assert len(whole) == 16
    again = occurrences_by_icalendar(ics_of(scheduler_client, toy_revision)).keys()
    teacher = occurrences_by_icalendar(ics_of(scheduler_client, toy_revision, "&teacher=Scarlatti"))
    assert again == whole and teacher.keys() < whole  # the same lecture, the same UID

    other = problem_import(file=demo_bytes("toy.ectt"), filename="toy.ectt", created_by=scheduler)
    assert other.uid != toy.uid
    twin = revision_import(problem=other, file=TOY_SOLUTION.encode(), author=scheduler)
    assert not whole & occurrences_by_icalendar(ics_of(scheduler_client, twin)).keys()


def test_downloads_of_different_people_have_different_names(reader_client, toy_revision):
    url = f"/api/v1/revisions/{toy_revision.pk}/export/?format=ics"
    names = {
        reader_client.get(url + query)["Content-Disposition"]
        for query in ("", "&teacher=Scarlatti", "&room=rA", "&curriculum=Cur1")
    }
    assert len(names) == 4


def test_a_term_shorter_than_a_week_exports_what_meets(scheduler_client, toy, toy_revision):
    body = ics_of(scheduler_client, toy_revision, "&start=2027-01-04&end=2027-01-05")
    days = {t.date() for ts in occurrences_by_icalendar(body).values() for t in ts}
    assert days and days <= {date(2027, 1, 4), date(2027, 1, 5)}
