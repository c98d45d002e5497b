from django.urls import path, re_path

from linli.open311 import views

FMT = r"\.(?P<fmt>[a-z]+)$"

urlpatterns = [
    re_path(r"^open311/v2/discovery" + FMT, views.discovery, name="open311_discovery"),
]
