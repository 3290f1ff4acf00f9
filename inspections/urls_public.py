"""Published reports, mounted at /public/reports/."""

from django.urls import path

from inspections.views import public

app_name = "public_reports"

urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.report, name="report"),
    path("<int:pk>/report.pdf", public.report_pdf, name="report-pdf"),
]
