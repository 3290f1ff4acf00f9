"""Areas, routine concerns (M3) and Engage cases from advice to exit (M4–M6, M10)."""

from django.urls import path

from monitoring.views import cases

urlpatterns = [
    path("", cases.workspace, name="workspace"),
    path("areas/<int:pk>/", cases.area, name="area"),
    path("areas/<int:pk>/concerns/new/", cases.concern_new, name="concern-new"),
    path("concerns/<int:pk>/", cases.concern, name="concern"),
    path("concerns/<int:pk>/pcc-response/", cases.concern_mark, name="concern-mark"),
    path("areas/<int:pk>/advise/", cases.case_new, name="case-new"),
    path("cases/<int:pk>/", cases.case, name="case"),
    path("cases/<int:pk>/decide/", cases.case_decide, name="case-decide"),
    path("cases/<int:pk>/pcc-informed/", cases.case_pcc_informed, name="case-pcc-informed"),
    path("cases/<int:pk>/announce/", cases.case_announce, name="case-announce"),
    path("cases/<int:pk>/letter/", cases.case_letter, name="case-letter"),
    path("cases/<int:pk>/letter.pdf", cases.case_letter_pdf, name="case-letter-pdf"),
    path("cases/<int:pk>/exit/", cases.case_exit, name="case-exit"),
]
