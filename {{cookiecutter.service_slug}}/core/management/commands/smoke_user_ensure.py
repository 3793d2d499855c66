"""Create or update the smoke test's user from SMOKE_TEST_USERNAME and SMOKE_TEST_PASSWORD.

On ECS the migrate task runs it after the migrations (docker-entrypoint.sh), with both values from
the environment's smoke-test secret; deploy/smoke.py then signs in as that user."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from core.services import smoke_user_ensure


class Command(BaseCommand):
    help = "Create or update the smoke test's user (SMOKE_TEST_USERNAME, SMOKE_TEST_PASSWORD)."

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("SMOKE_TEST_USERNAME", "")
        password = os.environ.get("SMOKE_TEST_PASSWORD", "")
        if not username or not password:
            raise CommandError("set SMOKE_TEST_USERNAME and SMOKE_TEST_PASSWORD")
        try:
            smoke_user_ensure(username=username, password=password)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"smoke test user {username} ready")
