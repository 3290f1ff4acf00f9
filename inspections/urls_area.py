from django.urls import path

from inspections.views import area

urlpatterns = [
    path("my-area/", area.my_area, name="my-area"),
]
