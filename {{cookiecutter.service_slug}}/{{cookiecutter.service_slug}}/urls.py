"""Each application's own urls.py is included under its prefix; probes live in core.health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("core.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/core/", include("core.api_urls")),
    path("api/v1/", include("{{ cookiecutter.app_slug }}.api_urls")),
    path("{{ cookiecutter.app_slug }}/", include("{{ cookiecutter.app_slug }}.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, and our template its styles: the docs work
    # under the strict Content-Security-Policy.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/api_docs.html"),
        name="api-docs",
    ),
]

# Unknown API routes answer in the API's error shape; outages are a 503 "try again" (core.views).
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
