"""Scheduling data: problems, timetable revisions and generation runs live here."""
