from django.urls import include, path

app_name = "responses"

urlpatterns = [
    path("", include("responses.urls_opcc")),
    path("", include("responses.urls_chief")),
    path("", include("responses.urls_apcc")),
    path("", include("responses.urls_plans")),
    path("", include("responses.urls_complaints")),
]
