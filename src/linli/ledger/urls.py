from django.urls import path

from linli.ledger import views

urlpatterns = [
    path("ledger/", views.public_index, name="ledger_index"),
    path("ledger/verify/", views.verify_help, name="ledger_verify_help"),
    path("ledger/accounts/<str:code>/", views.account_detail, name="ledger_account"),
    path("ledger/accounts/<str:code>/ledger.json", views.account_json, name="ledger_account_json"),
    path("ledger/accounts/<str:code>/ledger.csv", views.account_csv, name="ledger_account_csv"),
]
