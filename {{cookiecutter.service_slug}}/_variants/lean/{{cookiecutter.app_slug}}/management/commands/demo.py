"""`manage.py demo`: the demo account and its sample notes (`services.demo_seed`); prints how to
sign in and where the notes are. Safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from ...services import demo_seed

NOTES = "{{ cookiecutter.app_slug }}:note-list"


class Command(BaseCommand):
    help = "Make the demo account and its sample notes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the service's address")
        parser.add_argument("--password", default="", help="the account's (default: a new one)")

    def handle(self, *args: Any, **options: Any) -> None:
        user, password = demo_seed(password=options["password"])
        base = options["url"].rstrip("/")
        self.stdout.write(f"Sign in at {base}{reverse('login')}")
        self.stdout.write(f"  user: {user.get_username()}  password: {password}")
        self.stdout.write(f"Notes: {base}{reverse(NOTES)}")
