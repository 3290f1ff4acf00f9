from django.urls import include, path

app_name = "inspections"

urlpatterns = [
    path("", include("inspections.urls_workspace")),
    path("", include("inspections.urls_force")),
    path("", include("inspections.urls_area")),
    path("", include("inspections.urls_documents")),
    path("", include("inspections.urls_preparing")),
    path("", include("inspections.urls_steps")),
    path("", include("inspections.urls_steps_i6_i8")),
]
