from django.urls import path

from linli.api.main import api

urlpatterns = [path("api/v1/", api.urls)]
