from django.urls import path, re_path

from linli.open311 import views

FMT = r"\.(?P<fmt>[a-z]+)$"
NAME = r"(?P<{}>[^/.]+)"

urlpatterns = [
    path("developers/", views.developers, name="developers"),
    re_path(r"^open311/v2/discovery" + FMT, views.discovery, name="open311_discovery"),
    re_path(r"^open311/v2/services" + FMT, views.service_list, name="open311_services"),
    re_path(r"^open311/v2/services/" + NAME.format("code") + FMT, views.service_definition,
            name="open311_service_definition"),
    re_path(r"^open311/v2/requests" + FMT, views.requests, name="open311_requests"),
    re_path(r"^open311/v2/requests/" + NAME.format("rid") + FMT, views.request_detail, name="open311_request"),
    re_path(r"^open311/v2/tokens/" + NAME.format("token") + FMT, views.token, name="open311_token"),
    re_path(r"^open311/v2/servicerequestupdates" + FMT, views.updates, name="open311_updates"),
    re_path(r"^open311/v2/(?P<rest>.*)$", views.unknown, name="open311_unknown"),
]
