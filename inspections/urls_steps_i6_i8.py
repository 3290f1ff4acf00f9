"""Debriefs (I6), the chief's updates to the PCC (I8) and a draft flagged with concern, in the "inspections"
namespace."""

from django.urls import path

from inspections.views import steps_i6_i8

urlpatterns = [
    path("<int:pk>/debriefs/new/", steps_i6_i8.debrief_new, name="debrief-new"),
    path("debriefs/<int:pk>/", steps_i6_i8.debrief_detail, name="debrief"),
    path("debriefs/<int:pk>/acknowledge/", steps_i6_i8.debrief_acknowledge, name="debrief-acknowledge"),
    path("debriefs/<int:pk>/attendance/", steps_i6_i8.debrief_attendance, name="debrief-attendance"),
    path("debriefs-and-updates/", steps_i6_i8.debriefs_and_updates, name="debriefs-and-updates"),
    path(
        "<int:pk>/areas/<int:area_pk>/update-the-pcc/",
        steps_i6_i8.chief_update_new,
        name="chief-update-new",
    ),
    path(
        "reports/<int:pk>/significant-concern/", steps_i6_i8.report_flag_concern, name="report-flag-concern"
    ),
]
