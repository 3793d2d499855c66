"""`manage.py demo`: the demo account and sample problems (see `services.demo`); prints how to
sign in and where the scheduler is. Safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from core.exceptions import ApplicationError

from ...services.demo import demo_seed

PROBLEMS = "{{ cookiecutter.app_slug }}:problem-list"
PROBLEM = "{{ cookiecutter.app_slug }}:problem-detail"


class Command(BaseCommand):
    help = "Make the demo account and sample problems with a generated timetable each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the service's address")
        parser.add_argument("--password", default="", help="the account's (default: a new one)")
        parser.add_argument("--time-limit", type=int, default=None, help="seconds per generation")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo = demo_seed(password=options["password"], time_limit=options["time_limit"])
        except (ApplicationError, RuntimeError) as exc:
            raise CommandError(str(exc).splitlines()[0]) from exc
        base = options["url"].rstrip("/")
        self.stdout.write(f"Sign in at {base}{reverse('login')}")
        self.stdout.write(f"  user: {demo.username}  password: {demo.password}")
        for problem in demo.problems:
            self.stdout.write(f"  {problem.name}: {base}{reverse(PROBLEM, args=[problem.pk])}")
        self.stdout.write(f"Scheduler: {base}{reverse(PROBLEMS)}")
