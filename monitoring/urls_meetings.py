"""PPOG/FPOG meetings, actions and follow-ups (M7, M9), improvement plans (M4), the toolkit (M8), the register (M1)."""

from django.urls import path

from monitoring.views import meetings, plans, register

urlpatterns = [
    path("cases/<int:pk>/meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/deputy/", meetings.meeting_deputy, name="meeting-deputy"),
    path("meetings/<int:pk>/held/", meetings.meeting_held, name="meeting-held"),
    path("meetings/<int:pk>/actions/new/", meetings.action_new, name="action-new"),
    path("actions/<int:pk>/", meetings.action, name="action"),
    path("actions/<int:pk>/follow-up/", meetings.action_follow_up, name="action-follow-up"),
    path("cases/<int:pk>/plans/new/", plans.plan_new, name="plan-new"),
    path("plans/<int:pk>/", plans.plan, name="plan"),
    path("plans/<int:pk>/file.pdf", plans.plan_file, name="plan-file"),
    path("plans/<int:pk>/notes/new/", plans.plan_note, name="plan-note"),
    path("toolkit/", plans.toolkit, name="toolkit"),
    path("toolkit/<int:version>.pdf", plans.toolkit_file, name="toolkit-file"),
    path("cases/<int:pk>/toolkit/", plans.toolkit_send, name="toolkit-send"),
    path("areas/<int:pk>/register/", register.register, name="register"),
    path("findings/<int:pk>/", register.finding, name="finding"),
    path("findings/<int:pk>/status/", register.finding_status, name="finding-status"),
    path("findings/<int:pk>/notes/new/", register.finding_note, name="finding-note"),
]
