from django.urls import path

from linli.cases import views

urlpatterns = [
    # The short URL printed under every QR code: the phone intake page of a unit or building.
    path("q/<str:code>", views.qr_entry, name="qr_entry"),
]
