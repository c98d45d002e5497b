"""Public boards, the evaluation of grids and inspection campaigns (issue 3 items 8, 10 and 12)."""
from django.urls import path

from linli.cases import board_views, campaign_views

urlpatterns = [
    path("boards/", board_views.board_index, name="board_index"),
    path("boards/<str:code>/", board_views.board, name="board"),
    path("evaluation/<str:code>/", board_views.evaluation, name="evaluation"),
    path("boards/<str:code>/inspections/", campaign_views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", campaign_views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/participants", campaign_views.participant_add, name="inspection_participant_add"),
    path("inspections/<int:pk>/problems", campaign_views.problem_add, name="inspection_problem_add"),
]
