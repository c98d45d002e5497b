from django.urls import path

from linli.mutualaid import views

urlpatterns = [
    path("aid/", views.board, name="aid_board"),
    path("aid/tasks/", views.task_list, name="aid_tasks"),
    path("aid/tasks/new", views.task_new, name="aid_task_new"),
    path("aid/tasks/<int:pk>/", views.task_detail, name="aid_task"),
    path("aid/slots/<int:pk>/signup", views.signup, name="aid_signup"),
    path("aid/slots/<int:pk>/qr", views.slot_qr, name="aid_slot_qr"),
    path("aid/signups/<int:pk>/withdraw", views.withdraw, name="aid_withdraw"),
    path("aid/signups/<int:pk>/confirm", views.confirm_completion, name="aid_confirm"),
    path("aid/checkin/<str:token>", views.checkin, name="aid_checkin"),
    path("aid/volunteer/", views.volunteer_page, name="aid_volunteer"),
    path("aid/communities/<str:code>/volunteers", views.volunteer_registry, name="aid_registry"),
    path("aid/volunteers/<int:pk>/decide", views.volunteer_decide, name="aid_volunteer_decide"),
    path("aid/communities/<str:code>/alliance", views.alliance, name="aid_alliance"),
    path("aid/communities/<str:code>/alliance/score", views.alliance_score, name="aid_alliance_score"),
    path("aid/communities/<str:code>/manage", views.manage, name="aid_manage"),
    path("aid/me/", views.me, name="aid_me"),
    path("aid/me/code", views.till_code, name="aid_code"),
    path("aid/shops/<str:code>/till", views.till, name="aid_till"),
    path("aid/shops/<str:code>/", views.takings, name="aid_takings"),
    path("aid/shops/<str:code>/settle", views.settle, name="aid_settle"),
]
