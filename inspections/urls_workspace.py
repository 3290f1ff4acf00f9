"""The HMICFRS inspection workspace, mounted at /inspections/ in the "inspections" namespace."""

from django.urls import path

from inspections.views import workspace

urlpatterns = [
    path("", workspace.inspection_list, name="list"),
    path("new/", workspace.inspection_new, name="new"),
    path("search/", workspace.search, name="search"),
    path("reports.csv", workspace.reports_csv, name="reports-csv"),
    path("<int:pk>/", workspace.inspection_detail, name="detail"),
    path("<int:pk>/notify/", workspace.inspection_notify, name="notify"),
    path("<int:pk>/reports/new/", workspace.report_new, name="report-new"),
    path("reports/<int:pk>/", workspace.report_detail, name="report"),
    path("reports/<int:pk>/factual-accuracy/open/", workspace.report_open_fac, name="report-open-fac"),
    path(
        "reports/<int:pk>/comments/<int:comment_pk>/decide/",
        workspace.fac_decide,
        name="fac-decide",
    ),
    path("reports/<int:pk>/finalise/", workspace.report_finalise, name="report-finalise"),
    path("reports/<int:pk>/redactions/new/", workspace.report_redact, name="report-redact"),
    path("reports/<int:pk>/findings/new/", workspace.finding_add, name="finding-add"),
    path("reports/<int:pk>/schedule/", workspace.report_schedule, name="report-schedule"),
    path("reports/<int:pk>/diary-note/", workspace.diary_note, name="diary-note"),
]
