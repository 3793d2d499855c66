"""Private Redis and MariaDB instances on spare ports, for tests that stop and restart them.

The machine's own services stay up for every other test. Every wait is bounded; the instances
are stopped and their files deleted when the owning fixture ends.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .bakery import free_port, port_is_open


def wait_for_port(port: int, *, open_: bool, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while port_is_open("127.0.0.1", port) != open_:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"port {port} still {'closed' if open_ else 'open'} after {timeout}s"
            )
        time.sleep(0.05)


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="private-redis-"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> PrivateRedis:
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--dir", str(self.folder),
             "--pidfile", str(self.folder / "redis.pid"), "--logfile", str(self.folder / "log")],
            check=True, timeout=30,
        )  # fmt: skip
        wait_for_port(self.port, open_=True, timeout=10)
        return self

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            timeout=30,
        )
        wait_for_port(self.port, open_=False, timeout=10)

    def remove(self) -> None:
        if port_is_open("127.0.0.1", self.port):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateMariaDB:
    """root without a password; the data folder must be reachable by the `mysql` user, so it
    lives in a world-readable folder (a private mkdtemp folder gives "Permission denied")."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="private-mariadb-"))
        self.folder.chmod(0o755)
        shutil.chown(self.folder, "mysql", "mysql")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mysql://root@127.0.0.1:{self.port}"

    def install(self) -> PrivateMariaDB:
        subprocess.run(
            ["mariadb-install-db", "--user=mysql", f"--datadir={self.folder / 'data'}",
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        return self

    def start(self) -> PrivateMariaDB:
        log = (self.folder / "server.log").open("a")
        self.process = subprocess.Popen(
            ["mariadbd", "--user=mysql", f"--datadir={self.folder / 'data'}",
             f"--port={self.port}", "--bind-address=127.0.0.1",
             f"--socket={self.folder / 'sock'}", f"--pid-file={self.folder / 'pid'}",
             "--skip-log-bin", "--innodb-buffer-pool-size=64M"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        wait_for_port(self.port, open_=True, timeout=60)
        return self

    def sql(self, statement: str) -> str:
        result = subprocess.run(
            ["mariadb", "--batch", "--skip-column-names", "-h", "127.0.0.1", "-P", str(self.port),
             "-u", "root", "-e", statement],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        wait_for_port(self.port, open_=False, timeout=10)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
