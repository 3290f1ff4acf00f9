"""The force's or FRS's factual-accuracy page (I7), in the "inspections" namespace."""

from django.urls import path

from inspections.views import force

urlpatterns = [
    path("reports/<int:pk>/factual-accuracy/", force.factual_accuracy, name="fac"),
]
