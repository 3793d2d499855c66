"""Web pages of the application (the REST API's routes are in api_urls.py)."""

from django.urls import path

from .views import note_list_page

app_name = "{{ cookiecutter.app_slug }}"
urlpatterns = [path("", note_list_page, name="note-list")]
