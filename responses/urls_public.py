"""Public pages about PCC responses, mounted at /public/responses/."""

from django.urls import path

from responses.views import public

app_name = "public_responses"

urlpatterns = [
    path("", public.overdue, name="overdue"),
]
