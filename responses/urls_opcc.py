"""The OPCC's statutory responses (U6): mounted in the "responses" namespace at /responses/."""

from django.urls import path

from responses.views import opcc

urlpatterns = [
    path("", opcc.awaiting, name="awaiting"),
    path("<int:pk>/", opcc.obligation_detail, name="obligation"),
    path("<int:pk>/invite-chief/", opcc.invite_chief, name="invite-chief"),
    path("<int:pk>/edit/", opcc.edit, name="edit"),
    path("<int:pk>/submit/", opcc.submit, name="submit"),
    path("<int:pk>/answered-elsewhere/", opcc.answered_elsewhere, name="answered-elsewhere"),
    path("submissions/<int:pk>/file/", opcc.submission_file, name="submission"),
]
