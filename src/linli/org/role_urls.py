"""Role pages of community and street staff (login required on each)."""
from django.urls import path

from linli.org import role_views as v

urlpatterns = [
    path("roles/", v.role_index, name="role_index"),
    path("roles/<str:code>/", v.role_place, name="role_place"),
    path("roles/<str:code>/grant", v.role_grant, name="role_grant"),
    path("roles/<str:code>/import", v.role_import_page, name="role_import"),
    path("roles/<str:code>/import-template.csv", v.role_import_template, name="role_import_template"),
    path("role-assignments/<int:pk>/withdraw", v.role_withdraw, name="role_withdraw"),
]
