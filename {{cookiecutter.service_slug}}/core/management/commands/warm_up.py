"""Fill the caches an image should ship with, by calling each installed app's `warm_up()`.

An app opts in with a `warm_up(self) -> str` method on its AppConfig that does the work
(compiling code, say) and returns one line saying what it did. The Dockerfile runs this command
at build time, as the user the containers run as, so the caches land where they will be read.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Fill the build-time caches of every installed app that has a warm_up() hook."

    def handle(self, *args: Any, **options: Any) -> None:
        hooks = [config for config in apps.get_app_configs() if hasattr(config, "warm_up")]
        for config in hooks:
            self.stdout.write(f"{config.label}: {config.warm_up()}")
        if not hooks:
            self.stdout.write("nothing to warm up")
