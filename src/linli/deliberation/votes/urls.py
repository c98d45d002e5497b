from django.urls import path

from linli.deliberation.votes import views

urlpatterns = [
    path("votes/compounds/<str:code>/", views.vote_list, name="votes_list"),
    path("votes/compounds/<str:code>/new", views.vote_new, name="votes_new"),
    path("votes/compounds/<str:code>/register", views.register, name="votes_register"),
    path("votes/<int:pk>/", views.vote_detail, name="votes_detail"),
    path("votes/<int:pk>/notice", views.notice, name="votes_notice"),
    path("votes/<int:pk>/open", views.open_vote, name="votes_open"),
    path("votes/<int:pk>/close", views.close_vote, name="votes_close"),
    path("votes/<int:pk>/publish", views.publish, name="votes_publish"),
    path("votes/<int:pk>/ballot", views.ballot, name="votes_ballot"),
    path("votes/<int:pk>/tellers", views.tellers, name="votes_tellers"),
    path("votes/<int:pk>/proxies", views.proxy_new, name="votes_proxy_new"),
    path("votes/paper/<int:pk>/resolve", views.resolve, name="votes_resolve"),
    path("votes/<int:pk>/result", views.result, name="votes_result"),
]
