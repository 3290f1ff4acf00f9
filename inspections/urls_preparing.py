"""Preparing for inspections (P1–P3), mounted at /inspections/ in the "inspections" namespace."""

from django.urls import path

from inspections.views import preparing

urlpatterns = [
    path("programmes/", preparing.programme_list, name="programmes"),
    path("programmes/new/", preparing.programme_new, name="programme-new"),
    path("programmes/<int:pk>/", preparing.programme_detail, name="programme"),
    path("programmes/<int:pk>/advance/", preparing.programme_advance, name="programme-advance"),
    path(
        "programmes/<int:pk>/representations/new/",
        preparing.representation_new,
        name="representation-new",
    ),
    path(
        "programmes/<int:pk>/representations/<int:representation_pk>/consider/",
        preparing.representation_consider,
        name="representation-consider",
    ),
    path("commissions/", preparing.commission_list, name="commissions"),
    path("commissions/new/", preparing.commission_new, name="commission-new"),
    path("commissions/<int:pk>/", preparing.commission_detail, name="commission"),
    path("commissions/<int:pk>/estimate/", preparing.commission_estimate, name="commission-estimate"),
    path("commissions/<int:pk>/accept/", preparing.commission_accept, name="commission-accept"),
    path("<int:pk>/reference-group/", preparing.reference_group, name="reference-group"),
]
