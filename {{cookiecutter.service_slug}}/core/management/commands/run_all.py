"""`manage.py run_all [addr:port]` (what `make run` starts): the development web server, a Celery
worker and beat, in one terminal, on whatever broker the settings name (with nothing
configured, the folder broker of core/local_broker.py: no server needed).

Each process runs in its own session; Ctrl-C or SIGTERM stops all three (the worker's warm
shutdown hands its generations back first), and when one of them exits the others are stopped
and the command fails naming it.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

WEB = "web server"
STOP_SECONDS = 20  # the worker's warm shutdown: hand back, then finish


_stopping: list[int] = []  # the signals received: any one stops everything


def _stop(signum: int, _frame: FrameType | None) -> None:
    _stopping.append(signum)


class Command(BaseCommand):
    help = "Serve the web app with a Celery worker and beat beside it, in one terminal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload", action="store_true", help="do not restart the web server on changes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        processes = self.start(options["addrport"], reload=not options["noreload"])
        failed = None
        try:
            while failed is None and not _stopping:
                time.sleep(0.2)
                failed = next((n for n, p in processes.items() if p.poll() is not None), None)
        finally:
            stop_all(processes)
        if failed is not None:
            raise CommandError(f"{failed} exited with code {processes[failed].returncode}.")

    def start(self, addrport: str, *, reload: bool) -> dict[str, subprocess.Popen[bytes]]:
        python = sys.executable
        manage = [python, "manage.py"]
        project = settings.WSGI_APPLICATION.split(".")[0]
        celery = [python, "-m", "celery", "-A", project]
        commands = {WEB: [*manage, "runserver", addrport, *([] if reload else ["--noreload"])]}
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("Tasks run eagerly (CELERY_TASK_ALWAYS_EAGER): no worker, no beat.")
        else:
            # Mingle, gossip and heartbeats are broadcasts between workers: one needs none.
            alone = ["--without-mingle", "--without-gossip", "--without-heartbeat"]
            commands["worker"] = [*celery, "worker", "--loglevel=INFO", *alone]
            commands["beat"] = [*celery, "beat", "--loglevel=INFO"]
        broker = settings.CELERY_BROKER_URL.split("://")[0]
        self.stdout.write(
            f"Starting {', '.join(commands)} (broker: {broker}) on http://{addrport}/"
            " - Ctrl-C stops them all.",
        )
        return {
            name: subprocess.Popen(command, start_new_session=True, env=os.environ.copy())
            for name, command in commands.items()
        }


def stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each process (the web server's whole group: its reloader has a child; the
    worker's main process alone, which hands back and stops its pool), then wait; whatever is
    left after STOP_SECONDS is killed."""
    for name, process in processes.items():
        if name == WEB:
            _signal_group(process, signal.SIGTERM)
        elif process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
