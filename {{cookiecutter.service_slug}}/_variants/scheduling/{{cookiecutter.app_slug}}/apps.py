from django.apps import AppConfig


class {{ cookiecutter.app_slug.title().replace('_', '') }}Config(AppConfig):
    name = "{{ cookiecutter.app_slug }}"
    verbose_name = "Scheduling"

    def warm_up(self) -> str:
        """Compile the timetable annealer into Numba's cache (`manage.py warm_up`, image builds)."""
        from .timetabling.generator import warm_up

        warm_up()
        return "timetable annealer compiled"
