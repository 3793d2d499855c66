from django.apps import AppConfig


class {{ cookiecutter.app_slug.title().replace('_', '') }}Config(AppConfig):
    name = "{{ cookiecutter.app_slug }}"
{%- if cookiecutter.scheduling_domain == "yes" %}
    verbose_name = "Scheduling"
{%- else %}
    verbose_name = "{{ cookiecutter.app_slug.replace('_', ' ').title() }}"
{%- endif %}
