"""Benchmark the scheduling API of a running server (standard library only).

1. Upload to verified timetable: upload comp01, start a run, poll it until it succeeds, fetch the
   verification; prints the seconds from the upload to the verified timetable.
2. Reading a revision under load: upload comp07, generate a timetable (434 lectures), then GET
   /api/v1/revisions/<id>/ over keep-alive connections with a token: plain GETs (200) and GETs
   with If-None-Match (304), each printed with p50/p90/p99 latency and throughput, and as a share
   of `/healthz` measured the same way in the same run (this machine's speed varies: the ratio is
   the figure to compare), against the targets (200 >= 50 %, 304 >= 80 %, p99 < 50 ms). The
   three are measured in turn, in several rounds, and the medians over the rounds are judged.

The load comes from `wrk` when it is installed (a C client: it leaves the cores to the server),
otherwise from a pool of Python threads, each with its own connection (`--client` chooses).

Usage (a user of the "scheduler" group and its token; a worker must run unless tasks are eager):

    python scripts/bench_api.py --url http://127.0.0.1:8000 --token TOKEN \\
        [--time-limit 10] [--requests 5000] [--seconds 10] [--concurrency 16] [--rounds 3] \\
        [--client wrk]

A Python client is itself CPU-bound: on a small machine it shares the cores with the server, so
read its throughput as a lower bound of the server's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple
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


class Load(NamedTuple):
    rps: float
    p50: float  # milliseconds
    p90: float
    p99: float
    errors: int


def python_load(
    url: str, token: str, path: str, *, requests: int, concurrency: int, etag: str = ""
) -> Load:
    """GET `path` `requests` times over `concurrency` connections from Python threads."""
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
    q = statistics.quantiles(latencies, n=100)
    return Load(len(latencies) / wall, q[49] * 1000, q[89] * 1000, q[98] * 1000, len(errors))


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_load(
    url: str, token: str, path: str, *, seconds: int, concurrency: int, etag: str = ""
) -> Load:
    """GET `path` for `seconds` over `concurrency` connections with wrk (two threads)."""
    headers = ["-H", f"Authorization: Token {token}"]
    if etag:
        headers += ["-H", f"If-None-Match: {etag}"]
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--latency", *headers]
    out = subprocess.run(
        [*command, url.rstrip("/") + path], capture_output=True, text=True, check=True
    ).stdout

    def latency(percent: int) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if found is None:
            raise SystemExit(f"wrk printed no {percent}% latency:\n{out}")
        return float(found[1]) * UNITS[found[2]]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: .*", out)
    if rps is None:
        raise SystemExit(f"wrk printed no throughput:\n{out}")
    count = int(errors[1]) if errors else 0
    if socket_errors:
        count += sum(int(n) for n in re.findall(r"\d+", socket_errors[0]))
    return Load(float(rps[1]), latency(50), latency(90), latency(99), count)


def report(label: str, load: Load, concurrency: int) -> None:
    print(
        f"GET {label}: {concurrency} connections, {load.rps:.0f} req/s, p50 {load.p50:.1f} ms, "
        f"p90 {load.p90:.1f} ms, p99 {load.p99:.1f} ms, errors {load.errors}"
    )


def verdict(share: float, target: float, p99: float) -> str:
    met = share >= target and p99 < P99_TARGET_MS
    return (
        f"{share:.0%} of /healthz, p99 {p99:.1f} ms (targets >= {target:.0%} and "
        f"< {P99_TARGET_MS} ms: {'met' if met else 'missed'})"
    )


P99_TARGET_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--time-limit", type=int, default=10)
    parser.add_argument("--requests", type=int, default=5000, help="per measure (Python client)")
    parser.add_argument("--seconds", type=int, default=10, help="per measure (wrk)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the three")
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    args = parser.parse_args()

    # The first round also pays for imports in fresh web and worker processes.
    upload_to_verified(args.url, args.token, args.time_limit, "first")
    upload_to_verified(args.url, args.token, args.time_limit, "second")
    client = Client(args.url, args.token)
    problem = client.upload(DATA / "comp07.ectt")
    revision_id, _ = generate(client, problem["id"], args.time_limit)
    path = f"/api/v1/revisions/{revision_id}/"
    _, headers, body = client.request("GET", path)
    etag = {k.lower(): v for k, v in headers.items()}["etag"]
    lectures = len(json.loads(body)["assignments"])
    print(f"comp07 revision {revision_id}: {lectures} lectures, {len(body)} bytes of JSON")
    c = args.concurrency

    def measure(path: str, etag: str = "") -> Load:
        url, token = args.url, args.token
        if args.client == "wrk":
            return wrk_load(url, token, path, seconds=args.seconds, concurrency=c, etag=etag)
        return python_load(url, token, path, requests=args.requests, concurrency=c, etag=etag)

    print(f"client: {args.client}, {args.rounds} rounds")
    python_load(args.url, args.token, path, requests=200, concurrency=c)  # warm up
    shares: dict[str, list[float]] = {"200": [], "304": []}
    p99s: dict[str, list[float]] = {"200": [], "304": []}
    for _ in range(args.rounds):  # interleaved: a drift in the machine's speed hits all three
        bare = measure("/healthz")
        report("/healthz -> 200", bare, c)
        for label, load in (("200", measure(path)), ("304", measure(path, etag))):
            report(f"{path} -> {label}", load, c)
            shares[label].append(load.rps / bare.rps)
            p99s[label].append(load.p99)
    for label, target in (("200", 0.5), ("304", 0.8)):
        share, p99 = statistics.median(shares[label]), statistics.median(p99s[label])
        print(f"revision read {label}: median {verdict(share, target, p99)}")


if __name__ == "__main__":
    main()
