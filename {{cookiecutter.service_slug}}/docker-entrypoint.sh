#!/bin/sh
# Entrypoint of the {{ cookiecutter.service_name }} image: one image, one role per container.
#
#   web       wait for the database, (RUN_MIGRATIONS_ON_START=1: migrate), serve with gunicorn
#   worker    wait for the database, run a Celery worker
#   beat      wait for the database, run Celery beat (exactly one per deployment)
#   migrate   wait for the database, apply migrations (run once per release, before the deploy);
#             with SMOKE_TEST_USERNAME/PASSWORD set, then create or update the smoke test's user
#   anything else is run as given: `docker run IMAGE python manage.py shell`
#
# Development only (docker-compose.dev.yml; they need the test stage's tools):
#   web-reload     wait, migrate, runserver: reloads on every code change
#   worker-reload  wait, run a Celery worker under watchfiles: restarted on every Python change
#
# Extra arguments after the role go to the server: `worker --concurrency 4`.
# Every role ends in `exec`, so the server is PID 1's successor and receives SIGTERM directly.
set -eu

cd "$(dirname "$0")"
project="{{ cookiecutter.service_slug }}"

# With no DATABASE_URL, build it from its parts (ECS passes the password as its own secret);
# the parts are URL-quoted, so any character in a generated password is safe.
if [ -z "${DATABASE_URL:-}" ] && [ -n "${DATABASE_HOST:-}" ]; then
    DATABASE_URL="$(python -c 'import os
from urllib.parse import quote
e = os.environ
print("mysql://{}:{}@{}:{}/{}".format(quote(e["DATABASE_USER"], safe=""),
      quote(e.get("DATABASE_PASSWORD", ""), safe=""), e["DATABASE_HOST"],
      e.get("DATABASE_PORT", "3306"), e["DATABASE_NAME"]))')"
    export DATABASE_URL
fi

# The image's build-time caches (`manage.py warm_up`, in XDG_CACHE_HOME) are read-only where the
# root file system is (ECS), and a JIT compiler's cache will not be used from a folder it cannot
# write to, not even to load from it. Such a container works on its own copy in /tmp.
if [ -d "${XDG_CACHE_HOME:-}" ] && [ ! -w "$XDG_CACHE_HOME" ]; then
    if copy="$(mktemp -d "${TMPDIR:-/tmp}/cache.XXXXXX")" && cp -R "$XDG_CACHE_HOME/." "$copy"; then
        XDG_CACHE_HOME="$copy"
        export XDG_CACHE_HOME
    else
        echo "warning: no writable copy of $XDG_CACHE_HOME: caches are rebuilt as needed" >&2
    fi
fi

wait_for_db() {
    python manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-60}"
}

# gunicorn workers and Celery pool processes each count metrics; prometheus_client sums them
# through files in this folder (core/metrics.py). Emptied at start: the values of a previous
# container's processes must not be added to this one's.
metrics_folder() {
    PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${TMPDIR:-/tmp}/metrics-$1}"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -name '*.db' -type f -delete
    export PROMETHEUS_MULTIPROC_DIR
}

role="${1:-web}"
if [ "$#" -gt 0 ]; then
    shift
fi

case "$role" in
    web)
        wait_for_db
        if [ "${RUN_MIGRATIONS_ON_START:-0}" = "1" ]; then
            python manage.py migrate --noinput
        fi
        # The image collects static files at build time; a checkout run outside a container
        # has none yet, and the manifest storage of production cannot serve pages without them.
        if [ ! -f staticfiles/staticfiles.json ]; then
            python manage.py collectstatic --noinput
        fi
        metrics_folder web
        exec gunicorn --config gunicorn.conf.py "$@" "${project}.wsgi:application"
        ;;
    worker)
        wait_for_db
        metrics_folder worker
        exec celery --app "$project" worker --loglevel "${LOG_LEVEL:-INFO}" "$@"
        ;;
    beat)
        wait_for_db
        exec celery --app "$project" beat --loglevel "${LOG_LEVEL:-INFO}" \
            --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" "$@"
        ;;
    migrate)
        wait_for_db
        python manage.py migrate --noinput "$@"
        # On ECS the stack hands over the smoke test's user (deploy/smoke.py): keep it current.
        if [ -n "${SMOKE_TEST_PASSWORD:-}" ]; then
            exec python manage.py smoke_user_ensure
        fi
        ;;
    web-reload)
        wait_for_db
        python manage.py migrate --noinput
        exec python manage.py runserver "0.0.0.0:${PORT:-8000}" "$@"
        ;;
    worker-reload)
        wait_for_db
        exec watchfiles --filter python \
            "celery --app $project worker --loglevel ${LOG_LEVEL:-INFO} $*" .
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
