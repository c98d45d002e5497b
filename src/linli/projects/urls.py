from django.urls import path

from linli.projects import views

urlpatterns = [
    path("projects/c/<str:code>/", views.compound_projects, name="projects_compound"),
    path("projects/c/<str:code>/new", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/supervise", views.supervise, name="project_supervise"),
    path("projects/<int:pk>/comment", views.comment, name="project_comment"),
    path("projects/<int:pk>/pledge", views.pledge, name="project_pledge"),
    path("projects/<int:pk>/rate", views.rate, name="project_rate"),
    path("projects/<int:pk>/manage", views.manage, name="project_manage"),
    path("projects/<int:pk>/committee", views.committee_add, name="project_committee_add"),
    path("projects/<int:pk>/items", views.item_add, name="project_item_add"),
    path("projects/<int:pk>/budget", views.budget_set, name="project_budget"),
    path("projects/<int:pk>/milestones", views.milestone_add, name="project_milestone_add"),
    path("projects/<int:pk>/decide", views.decide, name="project_decide"),
    path("projects/<int:pk>/start", views.start, name="project_start"),
    path("projects/<int:pk>/record", views.record, name="project_record"),
    path("projects/<int:pk>/accept", views.accept, name="project_accept"),
    path("projects/contributions/<int:pk>/confirm", views.contribution_confirm, name="project_contribution_confirm"),
    path("projects/contributions/<int:pk>/refund", views.contribution_refund, name="project_contribution_refund"),
    path("projects/contributions/<int:pk>/cancel", views.contribution_cancel, name="project_contribution_cancel"),
    path("projects/items/<int:pk>/pay", views.item_pay, name="project_item_pay"),
    path("projects/items/<int:pk>/photo", views.item_photo_add, name="project_item_photo"),
    path("projects/photos/<int:pk>", views.item_photo, name="project_photo"),
    path("projects/milestones/<int:pk>/sign", views.milestone_sign, name="project_milestone_sign"),
]
