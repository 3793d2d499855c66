"""Publish the Celery queue's length and the age of its oldest task as CloudWatch metrics.

Runs next to beat in deploy/service.yml (one publisher per deployment). It prints one line of
CloudWatch's embedded metric format a minute; the awslogs driver ships it and CloudWatch turns it
into the metrics `QueueDepth` (it scales the workers) and `OldestTaskAgeSeconds` (an alarm, see
docs/operations.md): no AWS SDK, no AWS permission beyond writing logs.

The queue is read by core.queues (the one home of the broker's layout): the oldest task's age
comes from the `published_at` header the project stamps on every task message; a message
without one has no known age, and that minute's line carries the depth alone.
"""

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import redis

# Run as a plain script from the image's /app (`python deploy/queue_metrics.py`): the project's
# packages are one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.queues import read_queue_state


def emf_line(*, namespace: str, queue: str, depth: int, oldest_age: float | None = None) -> str:
    metrics = [{"Name": "QueueDepth", "Unit": "Count"}]
    values: dict[str, Any] = {"Queue": queue, "QueueDepth": depth}
    if oldest_age is not None:
        metrics.append({"Name": "OldestTaskAgeSeconds", "Unit": "Seconds"})
        values["OldestTaskAgeSeconds"] = round(oldest_age, 1)
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {"Namespace": namespace, "Dimensions": [["Queue"]], "Metrics": metrics}
                ],
            },
            **values,
        }
    )


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    queue = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "{{ cookiecutter.service_slug }}")
    namespace = os.environ.get("QUEUE_METRICS_NAMESPACE", "{{ cookiecutter.service_slug }}")
    interval = float(os.environ.get("QUEUE_METRICS_INTERVAL", "60"))
    client = redis.Redis.from_url(
        os.environ["REDIS_URL"], socket_connect_timeout=5, socket_timeout=5
    )
    while True:
        try:
            depth, oldest_age = read_queue_state(client, queue)
        except redis.RedisError as error:
            print(json.dumps({"level": "WARNING", "message": f"queue depth: {error}"}), flush=True)
        else:
            line = emf_line(namespace=namespace, queue=queue, depth=depth, oldest_age=oldest_age)
            print(line, flush=True)
        time.sleep(interval)


if __name__ == "__main__":
    main()
