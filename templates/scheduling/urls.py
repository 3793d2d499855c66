from django.urls import URLPattern

app_name = "{{ cookiecutter.app_slug }}"
urlpatterns: list[URLPattern] = []
