"""`manage.py warm_up` (run at image build time) calls each installed app's warm_up() hook."""

from io import StringIO

from django.apps import apps
from django.core.management import BaseCommand, call_command

from core.management.commands.warm_up import Command as WarmUp


def warm_up(command: str | BaseCommand = "warm_up") -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_each_app_hook_is_called_once_with_its_line(monkeypatch):
    calls = []
    configs = list(apps.get_app_configs())
    for config in configs:  # whatever the application's own hooks do, record the calls

        def hook(label: str = config.label) -> str:
            calls.append(label)
            return "ready"

        monkeypatch.setattr(config, "warm_up", hook, raising=False)
    assert warm_up().splitlines() == [f"{config.label}: ready" for config in configs]
    assert calls == [config.label for config in configs]


def test_without_hooks_it_says_so(monkeypatch):
    contenttypes = apps.get_app_config("contenttypes")  # an app without a hook
    monkeypatch.setattr(apps, "get_app_configs", lambda: [contenttypes])
    # The command itself, not its name: finding a command by name reads the app list too.
    assert warm_up(WarmUp()) == "nothing to warm up\n"
