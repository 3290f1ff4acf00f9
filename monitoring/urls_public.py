"""M5: the public Engage pages, in the "public_monitoring" namespace at /public/engage/."""

from django.urls import path

from monitoring.views import public

app_name = "public_monitoring"

urlpatterns = [
    path("police/", public.police, name="police"),
    path("fire/", public.fire, name="fire"),
    path("previously/", public.previously, name="previously"),
    path("<int:pk>/", public.case, name="case"),
]
