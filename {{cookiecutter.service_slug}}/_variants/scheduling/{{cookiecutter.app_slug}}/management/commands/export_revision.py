"""Export a revision as an ITC-2007 solution, CSV or iCalendar file."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError

from ...exports import REVISION_FORMATS, calendar_options, revision_export
from ...selectors.problems import problem_to_core
from ...selectors.revisions import revision_get, revision_lectures


class Command(BaseCommand):
    help = "Export a revision (sol, csv or ics) to a file or standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("revision_id", type=int)
        parser.add_argument("--format", choices=REVISION_FORMATS, default="sol")
        parser.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
        parser.add_argument("--start", default=None, help="ics: the term's first day, YYYY-MM-DD")
        parser.add_argument("--end", default=None, help="ics: the term's last day, YYYY-MM-DD")
        parser.add_argument("--weeks", type=int, default=None, help="ics: or its length in weeks")

    def handle(self, *args: Any, **options: Any) -> None:
        revision = revision_get(revision_id=options["revision_id"])
        if revision is None:
            raise CommandError(f"revision {options['revision_id']} does not exist")
        calendar = None
        if options["format"] == "ics":  # unset: the problem's own calendar
            try:
                calendar = calendar_options(
                    revision.problem,
                    start=_date(options["start"], "--start"),
                    end=_date(options["end"], "--end"),
                    weeks=options["weeks"],
                )
            except ApplicationError as error:
                raise CommandError(error.message) from None
        body = revision_export(
            revision=revision,
            lectures=revision_lectures(revision=revision),
            problem=problem_to_core(problem=revision.problem),
            fmt=options["format"],
            calendar=calendar,
        ).body
        if options["output"] == "-":
            self.stdout.write(body.decode("utf-8"), ending="")
            return
        try:
            Path(options["output"]).write_bytes(body)
        except OSError as exc:
            raise CommandError(f"{options['output']}: {exc.strerror}") from exc
        self.stderr.write(f"wrote {len(body)} bytes to {options['output']}")


def _date(text: str | None, option: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise CommandError(f"{option}: {exc}") from None
