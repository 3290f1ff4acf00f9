from django.urls import path

from contacts import views

app_name = "public"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<str:kind_slug>/<slug:slug>/", views.public_area, name="area"),
]
