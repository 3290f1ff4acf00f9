from django.urls import path

from contacts import views
from contacts import views_confidential as confidential

app_name = "contacts"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/<str:kind_slug>/<slug:slug>/", views.area_detail, name="area"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/cadences/", views.cadences, name="cadences"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    # Confidential records between an HMI and a PCC's office (C4, C5, L1, L2).
    path("confidential/", confidential.index, name="confidential"),
    path("confidential/shared-findings/", confidential.shared_findings_list, name="shared-findings-list"),
    path("confidential/shared-findings/new/", confidential.shared_findings_new, name="shared-findings-new"),
    path(
        "confidential/shared-findings/<int:pk>/", confidential.shared_findings_detail, name="shared-findings"
    ),
    path("confidential/panel-invitations/", confidential.panel_invitation_list, name="panel-invitations"),
    path(
        "confidential/panel-invitations/new/", confidential.panel_invitation_new, name="panel-invitation-new"
    ),
    path(
        "confidential/panel-invitations/<int:pk>/",
        confidential.panel_invitation_detail,
        name="panel-invitation",
    ),
    path(
        "confidential/panel-invitations/<int:pk>/representations/",
        confidential.panel_representations,
        name="panel-representations",
    ),
    path(
        "confidential/panel-invitations/<int:pk>/decision/",
        confidential.panel_decision,
        name="panel-decision",
    ),
    path(
        "confidential/panel-invitations/<int:pk>/briefing/",
        confidential.panel_briefing,
        name="panel-briefing",
    ),
    path("confidential/recruitments/", confidential.recruitment_list, name="recruitments"),
    path("confidential/recruitments/new/", confidential.recruitment_new, name="recruitment-new"),
    path("confidential/recruitments/<int:pk>/", confidential.recruitment_detail, name="recruitment"),
    path(
        "confidential/recruitments/<int:pk>/advice/",
        confidential.recruitment_advice,
        name="recruitment-advice",
    ),
    path("confidential/conduct-matters/", confidential.conduct_matter_list, name="conduct-matters"),
    path("confidential/conduct-matters/new/", confidential.conduct_matter_new, name="conduct-matter-new"),
    path("confidential/conduct-matters/<int:pk>/", confidential.conduct_matter_detail, name="conduct-matter"),
]
