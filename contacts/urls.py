from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/<str:kind_slug>/<slug:slug>/", views.area_detail, name="area"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/cadences/", views.cadences, name="cadences"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
]
