"""Police super-complaints (S1–S3): HMICFRS's pages, the APCC's and PCCs' view, the 43-PCC tracker."""

from django.urls import path

from responses.views import complaints

urlpatterns = [
    path("super-complaints/", complaints.complaint_list, name="complaints"),
    path("super-complaints/new/", complaints.complaint_new, name="complaint-new"),
    path("super-complaints/<int:pk>/", complaints.complaint_detail, name="complaint"),
    path("super-complaints/<int:pk>/eligibility/", complaints.complaint_decide, name="complaint-decide"),
    path(
        "super-complaints/<int:pk>/investigation/",
        complaints.complaint_investigate,
        name="complaint-investigate",
    ),
    path("super-complaints/<int:pk>/report/", complaints.complaint_report, name="complaint-report"),
]
