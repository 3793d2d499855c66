"""The scheduler's own Prometheus metrics (served with the core ones, core/metrics.py)."""

from prometheus_client import Counter, Histogram

RUNS = Counter(
    "generation_runs_total",
    "Deliveries of generation runs ended by a worker, by outcome (succeeded, failed, cancelled, "
    "skipped: another delivery owned or had finished the run)",
    ["outcome"],
)
RUN_SECONDS = Histogram(
    "generation_run_duration_seconds",
    "Time a worker spent on one delivery of a generation run, by outcome",
    ["outcome"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600),
)
