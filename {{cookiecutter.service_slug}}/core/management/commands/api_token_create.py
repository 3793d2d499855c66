"""Create an API token for a user and print it (the database keeps only its digest)."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from core.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it; it expires after API_TOKEN_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        try:
            record, token = api_token_create(user=user)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(token)
        self.stderr.write(f"expires {record.expiry:%Y-%m-%d %H:%M %Z}")
