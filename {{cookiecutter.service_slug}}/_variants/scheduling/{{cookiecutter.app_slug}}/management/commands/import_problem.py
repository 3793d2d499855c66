"""Import an ITC-2007 .ctt/.ectt file as a problem."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError

from ...services.problems import problem_import


class Command(BaseCommand):
    help = "Import an ITC-2007 .ctt or .ectt problem file; prints the new problem's id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .ctt or .ectt file")
        parser.add_argument("--name", default="", help="name of the problem (default: the file's)")

    def handle(self, *args: Any, path: str, name: str, **options: Any) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            problem = problem_import(file=file.read_bytes(), name=name, filename=file.name)
        except ApplicationError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        self.stdout.write(f"problem {problem.pk}: {problem.name}")
