from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from hmicfrs_mou import deadline_views, export_views, language, search_views, views
from hmicfrs_mou.signin.urls import password_urlpatterns

admin.site.site_header = "HMICFRS–APCC MOU portal administration"
admin.site.site_title = "MOU portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    # The header's language switch (Django's set_language, keeping a signed-in person's choice).
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor, idle timeout and password reset (hmicfrs_mou/signin).
    path("accounts/", include("hmicfrs_mou.signin.urls")),
    path("accounts/", include(password_urlpatterns)),
    path("hmicfrs/", views.hmicfrs_home, name="portal-hmicfrs"),
    path("opcc/", views.opcc_home, name="portal-opcc"),
    path("force/", views.force_home, name="portal-force"),
    path("apcc/", views.apcc_home, name="portal-apcc"),
    path("audit/", views.audit_trail, name="audit-trail"),
    # Search for every role over what that role may see (hmicfrs_mou/search_views.py).
    path("search/", search_views.portal_search, name="search"),
    path("deadlines/", deadline_views.my_deadlines, name="my-deadlines"),
    path("deadlines/calendar/", deadline_views.calendar_settings, name="calendar-settings"),
    path("deadlines/calendar/new-address/", deadline_views.calendar_regenerate, name="calendar-regenerate"),
    path("deadlines/calendar/turn-off/", deadline_views.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", deadline_views.calendar_feed, name="calendar-feed"),
    path(
        "calendar/<str:token>/organisation/<int:organisation>.ics",
        deadline_views.calendar_feed_organisation,
        name="calendar-feed-organisation",
    ),
    path("inbox/", deadline_views.inbox, name="inbox"),
    path("inbox/email/", deadline_views.email_settings, name="email-settings"),
    path("inbox/read-all/", deadline_views.inbox_mark_all_read, name="inbox-read-all"),
    path("inbox/<int:pk>/", deadline_views.inbox_message, name="inbox-message"),
    path("health/", deadline_views.health, name="health"),
    path("exports/<slug:kind>/new/", export_views.export_new, name="export-new"),
    path("exports/<uuid:pk>/", export_views.export_status, name="export"),
    path("exports/<uuid:pk>/progress/", export_views.export_progress, name="export-progress"),
    path("exports/<uuid:pk>/download/", export_views.export_download, name="export-download"),
    path("inspections/", include("inspections.urls")),
    path("public/reports/", include("inspections.urls_public")),
    path("responses/", include("responses.urls")),
    path("public/responses/", include("responses.urls_public")),
    path("monitoring/", include("monitoring.urls")),
    path("public/engage/", include("monitoring.urls_public")),
    path("public/", include("contacts.public_urls")),
    path(
        "accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"
    ),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("", include("contacts.urls")),
    path("admin/", admin.site.urls),
]
