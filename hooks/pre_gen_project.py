"""Reject answers that would render a broken service. Validation only: no network, no installs."""

import json
import keyword
import re
import sys

# Names a slug may not take: importing the project or app under one of these would shadow a module
# that Django, Celery or the standard library needs, or a folder every render has.
RESERVED = set(sys.stdlib_module_names) | {
    "django",
    "celery",
    "kombu",
    "billiard",
    "redis",
    "rest_framework",
    "drf_spectacular",
    "environ",
    "gunicorn",
    "whitenoise",
    "ortools",
    "pytest",
    "test",
    "tests",
    "core",
    "static",
    "staticfiles",
    "media",
    "templates",
    "requirements",
    "docs",
    "deploy",
    "scripts",
}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

# The answers, passed as JSON so that no answer can break this file's Python.
CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")
ANSWERS = {"service_slug": CONTEXT["service_slug"], "app_slug": CONTEXT["app_slug"]}
EMAIL = CONTEXT["author_email"]
# Free-text answers end up inside Python, TOML and YAML strings: keep them to plain text.
TEXTS = {name: CONTEXT[name] for name in ("service_name", "description", "author_name")}


def problem() -> str | None:
    for name, value in TEXTS.items():
        if not value.strip():
            return f"{name} must not be empty."
        if any(c in value for c in '"\\\n') or not value.isprintable():
            return f"{name} may not contain double quotes, backslashes or control characters."
    for name, value in ANSWERS.items():
        if not IDENTIFIER.match(value) or keyword.iskeyword(value):
            return (
                f"{name} {value!r} is not a valid Python package name "
                "(use lower-case letters, digits and underscores, starting with a letter)."
            )
        if value in RESERVED:
            return f"{name} {value!r} would shadow the {value!r} module; choose another name."
    if ANSWERS["service_slug"] == ANSWERS["app_slug"]:
        return (
            "app_slug must differ from service_slug (the project package and the app would clash)."
        )
    if "@" not in EMAIL or " " in EMAIL.strip():
        return f"author_email {EMAIL!r} is not an email address."
    return None


if __name__ == "__main__":
    message = problem()
    if message:
        print(f"ERROR: {message}", file=sys.stderr)
        sys.exit(1)
