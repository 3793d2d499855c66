"""Smoke-test a deployed environment: readiness, the Hello page, one authenticated API call.

    SMOKE_TEST_USERNAME=... SMOKE_TEST_PASSWORD=... python3 deploy/smoke.py https://HOST

The pipeline runs it against staging after each deployment (deploy/pipeline.yml, SmokeTest stage)
with the user of the environment's secret <service>/<environment>/smoke-test, which every
release's migrate task keeps in the database (manage.py smoke_user_ensure). docs/deploy.md shows
how to run it by hand against any environment.

The API call signs in for a token (POST /api/v1/core/tokens/), lists the user's tokens with it
and revokes it again. Each check is tried again for up to SMOKE_TEST_WAIT seconds (60) while it
fails; the first that still fails ends the run with one line on stderr and exit status 1.
Only the standard library: it runs on any Python 3.11.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

TOKENS = "/api/v1/core/tokens/"
RETRY_SECONDS = 5.0


class SmokeError(Exception):
    """A check that failed, said in one line."""


def call(
    method: str, url: str, *, body: dict[str, str] | None = None, token: str | None = None
) -> tuple[int, bytes]:
    """(status, body) of one request; a connection failure is a SmokeError."""
    headers = {"Accept": "application/json, text/html", "User-Agent": "smoke-test"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SmokeError(f"{method} {url}: {reason}") from None


def as_json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise SmokeError(f"{what} answered no JSON: {body[:120]!r}") from None


def expect(status: int, wanted: int, what: str, body: bytes) -> None:
    if status != wanted:
        excerpt = body[:120].decode(errors="replace").replace("\n", " ")
        raise SmokeError(f"{what} answered {status}, not {wanted}: {excerpt}")


def readiness(base: str) -> str:
    status, body = call("GET", f"{base}/readyz")
    expect(status, 200, "GET /readyz", body)
    if as_json(body, "GET /readyz").get("status") != "ready":
        raise SmokeError(f"GET /readyz says {body[:120]!r}")
    return "/readyz: ready"


def hello_page(base: str) -> str:
    status, body = call("GET", f"{base}/")
    expect(status, 200, "GET /", body)
    if b"Hello, World" not in body:
        raise SmokeError("GET / answered without its Hello, World")
    return "/: the Hello page"


def authenticated_api_call(base: str, username: str, password: str) -> str:
    status, body = call("POST", base + TOKENS, body={"username": username, "password": password})
    expect(status, 201, f"POST {TOKENS} (sign in as {username})", body)
    created = as_json(body, f"POST {TOKENS}")
    token, key = str(created.get("token", "")), str(created.get("token_key", ""))
    try:
        status, body = call("GET", base + TOKENS, token=token)
        expect(status, 200, f"GET {TOKENS} with the token", body)
        listed = as_json(body, f"GET {TOKENS}")
        if not any(t.get("token_key") == key and t.get("current") for t in listed):
            raise SmokeError(f"GET {TOKENS} does not list the token it was called with")
    finally:
        status, body = call("DELETE", f"{base}{TOKENS}{urllib.parse.quote(key)}/", token=token)
    expect(status, 204, f"DELETE {TOKENS}<key>/ (revoke the token)", body)
    return f"{TOKENS}: signed in as {username}, listed and revoked a token"


def until_it_passes(check: Callable[[], str], wait: float) -> str:
    deadline = time.monotonic() + wait
    while True:
        try:
            return check()
        except SmokeError:
            if time.monotonic() + RETRY_SECONDS > deadline:
                raise
        time.sleep(RETRY_SECONDS)


def main(argv: list[str]) -> int:
    username = os.environ.get("SMOKE_TEST_USERNAME", "")
    password = os.environ.get("SMOKE_TEST_PASSWORD", "")
    if len(argv) != 1 or not argv[0].startswith(("https://", "http://")) or not password:
        print("usage: SMOKE_TEST_USERNAME=... SMOKE_TEST_PASSWORD=... smoke.py https://HOST",
              file=sys.stderr)  # fmt: skip
        return 2
    base = argv[0].rstrip("/")
    wait = float(os.environ.get("SMOKE_TEST_WAIT", "60"))
    checks = [
        lambda: readiness(base),
        lambda: hello_page(base),
        lambda: authenticated_api_call(base, username, password),
    ]
    try:
        for check in checks:
            print(f"ok  {until_it_passes(check, wait)}", flush=True)
    except SmokeError as error:
        print(f"smoke test of {base} failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
