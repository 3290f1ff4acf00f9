"""The APCC's Engage tracker across all 87 areas, its CSV and chart."""

from django.urls import path

from monitoring.views import tracker

urlpatterns = [
    path("tracker/", tracker.tracker, name="tracker"),
    path("tracker.csv", tracker.tracker_csv, name="tracker-csv"),
]
