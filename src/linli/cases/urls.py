from django.urls import path

from linli.cases import views

urlpatterns = [
    # The short URL printed under every QR code: the phone intake page of a unit or building.
    path("q/<str:code>", views.qr_entry, name="qr_entry"),
    # The resident's tracking link (the code is the proof).
    path("t/<str:code>", views.case_track, name="case_track"),
    path("cases/<int:pk>", views.case_detail, name="case_detail"),
]
