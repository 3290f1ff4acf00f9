"""The steps of an inspection from the portals (I2–I5) and P2's later steps, in the "inspections" namespace."""

from django.urls import path

from inspections.views import assistance, force, steps

urlpatterns = [
    # The inspection team (I2–I5).
    path("<int:pk>/milestones/", steps.milestones, name="milestones"),
    path("<int:pk>/milestones/<int:milestone_pk>/change/", steps.milestone_change, name="milestone-change"),
    path("<int:pk>/milestones/<int:milestone_pk>/remove/", steps.milestone_remove, name="milestone-remove"),
    path("<int:pk>/milestones/send/", steps.milestones_send, name="milestones-send"),
    path("<int:pk>/methodology-change/", steps.methodology_change, name="methodology-change"),
    path("<int:pk>/presentations/new/", steps.presentation_new, name="presentation-new"),
    path("<int:pk>/evidence-requests/new/", steps.evidence_request_new, name="evidence-request-new"),
    path("<int:pk>/pfcc-interviews/new/", steps.pfcc_interview_new, name="pfcc-interview-new"),
    # Disclosures in confidence, for their readers (I5).
    path("disclosures/", steps.disclosures, name="disclosures"),
    path("disclosures/<int:pk>/", steps.disclosure, name="disclosure"),
    # The offices of the force or FRS and of its PCC (I4, I5).
    path("presentations/<int:pk>/invitation/", force.presentation_invitation, name="presentation-invitation"),
    path("presentations/<int:pk>/attendance/", force.presentation_attendance, name="presentation-attendance"),
    path("evidence-requests/<int:pk>/discussion/", force.discussion_answer, name="discussion-answer"),
    path("<int:pk>/disclosures/new/", force.disclosure_new, name="disclosure-new"),
    # P2.
    path("commissions/<int:pk>/scope/", assistance.commission_scope, name="commission-scope"),
    path("commissions/<int:pk>/decline/", assistance.commission_decline, name="commission-decline"),
    path("assistance/", assistance.assistance_list, name="assistance-list"),
    path("assistance/new/", assistance.assistance_new, name="assistance-new"),
    path("assistance/<int:pk>/", assistance.assistance_detail, name="assistance"),
]
