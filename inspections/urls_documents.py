"""Reports as documents (in the "inspections" namespace): /inspections/reports/<pk>/copy.pdf."""

from django.urls import path

from inspections.views import documents

urlpatterns = [
    path("reports/<int:pk>/copy.pdf", documents.copy, name="copy"),
]
