"""FRS action plans (U8): the fire authority's working plan, HMICFRS's and the FRS's view, the public page."""

from django.urls import path

from responses.views import plans

PLAN = "action-plans/<int:report_pk>/<int:area_pk>/"

urlpatterns = [
    path("action-plans/", plans.plan_list, name="plans"),
    path(PLAN, plans.plan_detail, name="plan"),
    path(f"{PLAN}items/<int:finding_pk>/", plans.plan_item, name="plan-item"),
    path(f"{PLAN}items/<int:finding_pk>/update/", plans.plan_update, name="plan-update"),
    path(f"{PLAN}publish/", plans.plan_publish, name="plan-publish"),
    path(f"{PLAN}published/", plans.plan_public, name="plan-public"),
]
