"""Benchmark the scheduling API of a running server (standard library only).

1. Upload to verified timetable: upload comp01, start a run, poll it until it succeeds, fetch the
   verification; prints the seconds from the upload to the verified timetable.
2. Reading a revision under load: upload comp07, generate a timetable (434 lectures), then GET
   /api/v1/revisions/<id>/ from a pool of threads, each with its own keep-alive connection, for a
   fixed number of requests; prints p50/p90/p99 latency and throughput (plain GETs, and GETs with
   If-None-Match answered 304), and each as a share of `/healthz` measured the same way in the
   same run (this machine's speed varies: the ratio is the figure to compare).

Usage (a user of the "scheduler" group and its token; a worker must run unless tasks are eager):

    python scripts/bench_api.py --url http://127.0.0.1:8000 --token TOKEN \\
        [--time-limit 10] [--requests 5000] [--concurrency 16]

A Python client is itself CPU-bound: on a small machine it shares the cores with the server, so
read the throughput as a lower bound of the server's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

APP = "{{ cookiecutter.app_slug }}"
DATA = Path(__file__).resolve().parent.parent / APP / "timetabling" / "data"


class Client:
    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Token {token}"}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        self.connection.request(
            method, path, body=body, headers={**self.headers, **(headers or {})}
        )
        response = self.connection.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data

    def json(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps(payload).encode() if payload is not None else None
        status, _, data = self.request(
            method, path, body, {"Content-Type": "application/json"} if body else None
        )
        if status >= 400:
            raise SystemExit(f"{method} {path}: {status} {data[:300]!r}")
        return _json_object(data)

    def upload(self, path: Path) -> dict[str, Any]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + path.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, _, data = self.request(
            "POST",
            "/api/v1/problems/",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if status != 201:
            raise SystemExit(f"upload {path.name}: {status} {data[:300]!r}")
        return _json_object(data)


def _json_object(data: bytes) -> dict[str, Any]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise SystemExit(f"expected a JSON object, got {data[:300]!r}")
    return value


def generate(client: Client, problem_id: int, time_limit: int) -> tuple[int, dict[str, Any]]:
    run = client.json("POST", f"/api/v1/problems/{problem_id}/runs/", {"time_limit": time_limit})
    deadline = time.monotonic() + time_limit + 120
    while run["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise SystemExit(f"run {run['id']} did not finish: {run}")
        time.sleep(0.2)
        run = client.json("GET", f"/api/v1/runs/{run['id']}/")
    if run["status"] != "succeeded":
        raise SystemExit(f"run {run['id']} {run['status']}: {run['error_message']}")
    return run["result_revision"], run


def upload_to_verified(url: str, token: str, time_limit: int, label: str) -> None:
    client = Client(url, token)
    t0 = time.perf_counter()
    problem = client.upload(DATA / "comp01.ectt")
    revision_id, run = generate(client, problem["id"], time_limit)
    verification = client.json("GET", f"/api/v1/revisions/{revision_id}/verification/")
    seconds = time.perf_counter() - t0
    print(
        f"comp01 upload -> verified timetable ({label}): {seconds:.2f} s "
        f"(run time limit {time_limit} s, solver {run['elapsed']:.2f} s), "
        f"hard violations {verification['hard_violations']}, "
        f"cost {verification['total_cost']}"
    )


def load(
    url: str, token: str, path: str, *, requests: int, concurrency: int, etag: str = ""
) -> float:
    """GET `path` `requests` times over `concurrency` connections; prints and returns req/s."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    headers = {"If-None-Match": etag} if etag else None
    expected = 304 if etag else 200
    errors = []

    def worker() -> None:
        client = Client(url, token)
        mine = []
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            t = time.perf_counter()
            status, _, _ = client.request("GET", path, headers=headers)
            mine.append(time.perf_counter() - t)
            if status != expected:
                errors.append(status)
        with lock:
            latencies.extend(mine)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    wall = time.perf_counter() - t0
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    label = "304 (If-None-Match)" if etag else "200"
    print(
        f"GET {path} -> {label}: {len(latencies)} requests, {concurrency} connections, "
        f"{len(latencies) / wall:.0f} req/s, p50 {q[49] * 1000:.1f} ms, p90 {q[89] * 1000:.1f} ms, "
        f"p99 {q[98] * 1000:.1f} ms, errors {len(errors)}"
    )
    return len(latencies) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--time-limit", type=int, default=10)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    # The first round also pays for imports in fresh web and worker processes.
    upload_to_verified(args.url, args.token, args.time_limit, "first")
    upload_to_verified(args.url, args.token, args.time_limit, "second")
    client = Client(args.url, args.token)
    problem = client.upload(DATA / "comp07.ectt")
    revision_id, _ = generate(client, problem["id"], args.time_limit)
    path = f"/api/v1/revisions/{revision_id}/"
    _, headers, body = client.request("GET", path)
    lectures = len(json.loads(body)["assignments"])
    print(f"comp07 revision {revision_id}: {lectures} lectures, {len(body)} bytes of JSON")
    load(args.url, args.token, path, requests=200, concurrency=args.concurrency)  # warm up
    n, c = args.requests, args.concurrency
    bare = load(args.url, args.token, "/healthz", requests=n, concurrency=c)
    read = load(args.url, args.token, path, requests=n, concurrency=c)
    etag = {k.lower(): v for k, v in headers.items()}["etag"]
    cached = load(args.url, args.token, path, requests=n, concurrency=c, etag=etag)
    print(f"revision read / healthz: {read / bare:.0%}; 304 / healthz: {cached / bare:.0%}")


if __name__ == "__main__":
    main()
