"""Settings of this application, read from the environment.

The project's settings module imports everything here, so each name becomes a Django setting
that environments and tests can override. Add the application's own, prefixed with its name:

    NOTES_MAX_LENGTH = env.int("NOTES_MAX_LENGTH", default=10_000)
"""

import environ

env = environ.Env()
