"""U7: response timeliness for the APCC (and HMICFRS), in the "responses" namespace at /responses/."""

from django.urls import path

from responses.views import apcc

urlpatterns = [
    path("timeliness/", apcc.dashboard, name="dashboard"),
    path("timeliness.csv", apcc.dashboard_csv, name="dashboard-csv"),
]
