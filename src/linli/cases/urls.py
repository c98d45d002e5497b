from django.urls import path

from linli.cases import views

urlpatterns = [
    # The short URL printed under every QR code: the phone intake page of a unit or building.
    path("q/<str:code>", views.qr_entry, name="qr_entry"),
    # "我也遇到了": join an open request of the same building instead of reporting it again.
    path("q/<str:code>/same", views.qr_support, name="qr_support"),
    # Ask a neighbour for help (互助) from the same code.
    path("q/<str:code>/help", views.qr_help, name="qr_help"),
    # "Follow my request": a form with a tracking code → its tracking page.
    path("t/", views.case_find, name="case_find"),
    # The resident's tracking link (the code is the proof).
    path("t/<str:code>", views.case_track, name="case_track"),
    path("t/<str:code>/rate", views.case_rate, name="case_rate"),
    path("t/<str:code>/photos/<int:pk>", views.case_track_photo, name="case_track_photo"),
    # The opt-out link in every SMS update (the key is the proof).
    path("u/<str:token>/", views.updates_stop, name="updates_stop"),
]
