"""The broker of a service started with nothing configured: a folder, through kombu's filesystem
transport. `make run` starts the web server, a real Celery worker and beat on it (no server to
install), and the tasks take the production path: published after the commit, claimed by a
worker, acknowledged late.

A queue is a folder of files, one JSON message each (the same message a Redis list would hold),
named `<milliseconds>_<uuid>.<queue>.msg` so that sorting them gives the order they were sent.
A worker takes a message by moving its file out of the folder and reading it: from then on the
message lives in that worker's memory only, unacknowledged until the task ends (acks late).

What that means for a task (docs/operations.md, "Running with no services"):
* A task that ends, well or badly, is acknowledged and gone.
* A worker that stops normally (Ctrl-C, SIGTERM) writes the messages it still holds back into
  the folder, and a pool process that dies has its task put back (reject on worker lost): both
  are re-delivered, as with Redis.
* A worker killed outright (SIGKILL, a power cut) loses the messages it held: there is no
  visibility timeout to bring them back. The database still knows each generation run, and the
  reaper on beat recovers them (a running run's heartbeat goes stale; a queued run's message is
  missing from the folder), as it does for a message Redis lost.

One machine only: the folder must not be shared between hosts. Production uses Redis.
The readers below never raise for a missing or unreadable folder: None means "cannot tell".
"""

import contextlib
import os
import time
from pathlib import Path
from typing import Any

URL = "filesystem://localhost//"  # a host named: kombu warns on every connection otherwise


def is_folder_broker(url: str) -> bool:
    return url.startswith("filesystem://")


def transport_options(folder: Path) -> dict[str, Any]:
    """kombu's options for a broker kept in `folder` (one machine: in and out are one folder)."""
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "polling_interval": 0.25,  # seconds between a worker's looks at an empty folder
    }


def folders(options: dict[str, Any]) -> list[Path]:
    return [Path(options["data_folder_in"]), Path(options["control_folder"])]


def folders_create(options: dict[str, Any]) -> None:
    """Create the broker's folders (kombu does not); harmless when they exist."""
    for folder in folders(options):
        folder.mkdir(parents=True, exist_ok=True)


def folders_check(options: dict[str, Any]) -> None:
    """Raise unless every folder of the broker exists and is writable (readiness)."""
    for folder in folders(options):
        if not folder.is_dir():
            raise FileNotFoundError(f"broker folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(f"broker folder {folder} is not writable")


def queue_messages(options: dict[str, Any], queue: str) -> list[tuple[float, bytes]]:
    """The messages waiting in `queue`, oldest first, each with its file's modification time.
    A file taken by a worker while this reads is skipped."""
    folder = Path(options["data_folder_in"])
    suffix = f".{queue}.msg"
    messages = []
    for name in sorted(os.listdir(folder)):
        if name.partition(".")[2] != suffix[1:]:
            continue
        with contextlib.suppress(OSError):
            path = folder / name
            messages.append((path.stat().st_mtime, path.read_bytes()))
    return messages


def oldest_age(messages: list[tuple[float, bytes]]) -> float:
    """Seconds the oldest of `messages` has waited, by its file (0 when there is none)."""
    if not messages:
        return 0.0
    return max(0.0, time.time() - min(mtime for mtime, _ in messages))
