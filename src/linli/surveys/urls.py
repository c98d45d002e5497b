from django.urls import path

from linli.surveys import views

urlpatterns = [
    path("surveys/", views.survey_list, name="surveys_list"),
    path("surveys/new", views.survey_new, name="surveys_new"),
    path("surveys/<int:pk>/", views.survey_detail, name="surveys_detail"),
    path("surveys/<int:pk>/results", views.survey_results, name="surveys_results"),
    path("surveys/<int:pk>/export.<str:fmt>", views.survey_export, name="surveys_export"),
    path("surveys/<int:pk>/close", views.survey_close, name="surveys_close"),
]
