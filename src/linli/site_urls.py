"""Every page of the site, without the API: ``linli.urls`` (the ROOT_URLCONF) adds the API.
The worker reverses page links (in messages) against this module alone, so it never
builds the API's ~1,600 schema classes (about 1 s of each worker start)."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from linli.web import accounts, health, login, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", login.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.account, name="account"),
    path("me/password/", accounts.PasswordChange.as_view(), name="password_change"),
    path("me/password/done/", accounts.PasswordChangeDone.as_view(), name="password_change_done"),
    path("me/data.json", accounts.my_data_json, name="my_data_json"),
    path("me/data.csv", accounts.my_data_csv, name="my_data_csv"),
    path("me/erase/", accounts.erase, name="account_erase"),
    path("password-reset/", accounts.PasswordReset.as_view(), name="password_reset"),
    path("password-reset/sent/", accounts.PasswordResetDone.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", accounts.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", accounts.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path("people/<int:pk>/password", accounts.person_password, name="person_password"),
    path("me/tokens/<int:pk>/revoke", views.token_revoke, name="token_revoke"),
    path("places/<str:code>/", views.node_detail, name="node_detail"),
    path("places/<str:code>/import", views.tree_import, name="tree_import"),
    path("places/<str:code>/import-template.csv", views.tree_import_template, name="tree_import_template"),
    path("places/<str:code>/posters", views.posters, name="posters"),
    path("admin/", admin.site.urls),
    # Each app owns its URL prefixes.
    path("", include("linli.cases.urls")),
    path("", include("linli.cases.staff_urls")),
    path("", include("linli.cases.board_urls")),
    path("", include("linli.ledger.urls")),
    path("", include("linli.disclosure.urls")),
    path("", include("linli.mutualaid.urls")),
    path("", include("linli.open311.urls")),
    path("", include("linli.outbox.urls")),
    path("", include("linli.surveys.urls")),
    path("", include("linli.deliberation.votes.urls")),
    path("", include("linli.org.role_urls")),
    path("", include("linli.deliberation.urls")),
    path("", include("linli.projects.urls")),
    path("", include("linli.circles.urls")),
]

# A database error outside a view gets the same 503 page as inside one (linli.web.middleware).
handler500 = "linli.web.middleware.server_error"
