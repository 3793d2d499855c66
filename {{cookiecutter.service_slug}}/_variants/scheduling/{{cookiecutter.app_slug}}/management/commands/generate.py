"""Generate a timetable for a problem, synchronously (no worker needed)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError

from ...models import GenerationRun
from ...selectors.problems import problem_get
from ...selectors.revisions import revision_get
from ...services.run_execution import run_execute
from ...services.runs import run_start


class Command(BaseCommand):
    help = "Generate a timetable in this process; prints the run's outcome and new revision."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("problem_id", type=int)
        parser.add_argument("--time-limit", type=int, default=60, help="seconds (default 60)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--formulation", default="UD2", help="UD1..UD5 (default UD2)")
        parser.add_argument("--base", type=int, default=None, help="revision id to start from")
        parser.add_argument(
            "--min-change-weight",
            type=int,
            default=None,
            help="with --base: cost per moved lecture",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = problem_get(problem_id=options["problem_id"])
        if problem is None:
            raise CommandError(f"problem {options['problem_id']} does not exist")
        base = None
        if options["base"] is not None:
            base = revision_get(revision_id=options["base"])
            if base is None:
                raise CommandError(f"revision {options['base']} does not exist")
        try:
            run = run_start(
                problem=problem,
                formulation=options["formulation"],
                time_limit=options["time_limit"],
                seed=options["seed"],
                base_revision=base,
                min_change_weight=options["min_change_weight"],
                enqueue=False,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message.splitlines()[0]) from exc
        run_execute(run_id=run.pk)
        run = GenerationRun.objects.get(pk=run.pk)
        revision = run.result_revision
        if run.status != GenerationRun.Status.SUCCEEDED or revision is None:
            raise CommandError(f"run {run.pk} {run.status}: {run.error_code} {run.error_message}")
        self.stdout.write(
            f"run {run.pk} succeeded: revision {revision.pk} (#{revision.number}), "
            f"hard violations {revision.hard_violations}, cost {revision.total_cost}"
        )
