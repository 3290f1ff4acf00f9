"""Monitoring (Scan and Engage) in the "monitoring" namespace at /monitoring/: one module per part."""

from django.urls import include, path

app_name = "monitoring"

urlpatterns = [
    path("", include("monitoring.urls_cases")),
    path("", include("monitoring.urls_meetings")),
    path("", include("monitoring.urls_tracker")),
]
