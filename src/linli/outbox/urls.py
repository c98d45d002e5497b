from django.urls import path

from linli.outbox import views

urlpatterns = [
    path("outbox/", views.message_list, name="outbox"),
]
