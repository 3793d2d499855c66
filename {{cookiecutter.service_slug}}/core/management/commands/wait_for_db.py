"""Wait until the database accepts connections, or give up after a timeout with one clear line."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, connections


class Command(BaseCommand):
    help = "Wait for the default database to accept connections."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between tries")

    def handle(self, *args: Any, timeout: float, interval: float, **options: Any) -> None:
        deadline = time.monotonic() + timeout
        connection = connections["default"]
        while True:
            try:
                connection.close()
                connection.ensure_connection()
            except OperationalError as error:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CommandError(
                        f"database not reachable after {timeout:g}s: {error.args[-1]}"
                    ) from None
                time.sleep(min(interval, remaining))
            else:
                self.stdout.write(f"database ready ({connection.vendor})")
                return
