#!/bin/sh
# Entrypoint of the {{ cookiecutter.service_name }} image: one image, one role per container.
#
#   web       wait for the database, (RUN_MIGRATIONS_ON_START=1: migrate), serve with gunicorn
#   worker    wait for the database, run a Celery worker
#   beat      wait for the database, run Celery beat (exactly one per deployment)
#   migrate   wait for the database, apply migrations (run once per release, before the deploy)
#   anything else is run as given: `docker run IMAGE python manage.py shell`
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

wait_for_db() {
    python manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-60}"
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
        exec gunicorn --config gunicorn.conf.py "$@" "${project}.wsgi:application"
        ;;
    worker)
        wait_for_db
        exec celery --app "$project" worker --loglevel "${LOG_LEVEL:-INFO}" "$@"
        ;;
    beat)
        wait_for_db
        exec celery --app "$project" beat --loglevel "${LOG_LEVEL:-INFO}" \
            --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" "$@"
        ;;
    migrate)
        wait_for_db
        exec python manage.py migrate --noinput "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
