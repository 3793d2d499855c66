"""Publish the length of the Celery queue as the CloudWatch metric that scales the workers.

Runs next to beat in deploy/service.yml (one publisher per deployment). It prints one line of
CloudWatch's embedded metric format a minute; the awslogs driver ships it and CloudWatch turns it
into the `QueueDepth` metric: no AWS SDK, no AWS permission beyond writing logs.
"""

import json
import os
import signal
import sys
import time

import redis


def emf_line(*, namespace: str, queue: str, depth: int) -> str:
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": namespace,
                        "Dimensions": [["Queue"]],
                        "Metrics": [{"Name": "QueueDepth", "Unit": "Count"}],
                    }
                ],
            },
            "Queue": queue,
            "QueueDepth": depth,
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
            depth = int(client.llen(queue))
        except redis.RedisError as error:
            print(json.dumps({"level": "WARNING", "message": f"queue depth: {error}"}), flush=True)
        else:
            print(emf_line(namespace=namespace, queue=queue, depth=depth), flush=True)
        time.sleep(interval)


if __name__ == "__main__":
    main()
