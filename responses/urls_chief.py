"""The chief officer's office's comments on the PCC's response (U6): /responses/chief/."""

from django.urls import path

from responses.views import chief

urlpatterns = [
    path("chief/", chief.invitations, name="chief-invitations"),
    path("chief/<int:pk>/", chief.comments, name="chief-comments"),
]
