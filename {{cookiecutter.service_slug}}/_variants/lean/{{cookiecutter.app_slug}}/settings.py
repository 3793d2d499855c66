"""Settings of this application, read from the environment.

The project's settings module imports everything here, so each name becomes a Django setting
that environments and tests can override. Add the application's own, prefixed with its name:

    NOTES_MAX_LENGTH = env.int("NOTES_MAX_LENGTH", default=10_000)
"""

import environ

env = environ.Env()

# The Hello page's link to the application (the project's SERVICE_HOME_LINKS).
SERVICE_HOME_LINKS = [("Open the notes", "{{ cookiecutter.app_slug }}:note-list")]
