"""Prompt signal handling in Celery workers.

A prefork worker's main process waits in its event loop's poll() until a task ends or a timer
is due. Python runs signal handlers in the main thread only, and a SIGTERM that the kernel
delivers to one of the worker's helper threads does not interrupt that wait: the worker would
notice it (start its warm shutdown, run the worker_shutting_down receivers) only when the running
task ends, which for a long task is exactly too late. The signal module can write a byte to a
socket whenever a signal arrives; the event loop watches that socket, wakes up, and the handlers
run at once. (The solo pool has no event loop: there the handlers run between the task's own
Python steps.)
"""

import contextlib
import logging
import signal
import socket
from typing import Any

from celery import signals

logger = logging.getLogger(__name__)
_sockets: list[socket.socket] = []  # open for the life of the process


@signals.worker_ready.connect
def wake_the_loop_on_signals(sender: Any = None, **_kwargs: Any) -> None:
    hub = getattr(sender, "hub", None)
    if hub is None:
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError as error:  # not the main thread: leave the loop as it is
        logger.warning("signals will wake the worker late: %s", error)
        return
    hub.add_reader(reader.fileno(), _drain, reader)
    _sockets.extend((reader, writer))


def _drain(reader: socket.socket) -> None:
    with contextlib.suppress(BlockingIOError):
        reader.recv(4096)
