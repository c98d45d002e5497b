from django.urls import path

from linli.circles import views

urlpatterns = [
    path("circles/", views.index, name="circles_index"),
    path("circles/entries/<int:pk>/", views.entry_detail, name="circles_entry"),
    path("circles/entries/<int:pk>/edit", views.entry_edit, name="circles_edit"),
    path("circles/entries/<int:pk>/hidden", views.entry_hidden, name="circles_hidden"),
    path("circles/<str:code>/", views.search, name="circles_search"),
    path("circles/<str:code>/new", views.entry_new, name="circles_new"),
    path("circles/<str:code>/locations", views.locations, name="circles_locations"),
]
