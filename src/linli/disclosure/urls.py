from django.urls import path

from linli.disclosure import views

urlpatterns = [
    path("compounds/<str:code>/money/", views.money_page, name="disclosure_money"),
    path("compounds/<str:code>/money/entries", views.money_entry_add, name="disclosure_entry_add"),
    path("compounds/<str:code>/money/import", views.money_import, name="disclosure_import"),
    path("compounds/<str:code>/money/fees", views.fee_figures, name="disclosure_fees"),
    path("compounds/<str:code>/money/budget", views.budget_set, name="disclosure_budget"),
    path("compounds/<str:code>/money/export.csv", views.money_export, name="disclosure_money_export"),
    path("money/entries/<int:pk>/correct", views.money_entry_correct, name="disclosure_entry_correct"),
    path("money/entries/<int:pk>/voucher", views.voucher, name="disclosure_voucher"),
    path("compounds/<str:code>/reports/", views.reports_page, name="disclosure_reports"),
    path("reports/<int:pk>/", views.report_detail, name="disclosure_report"),
    path("reports/<int:pk>/print", views.report_print, name="disclosure_report_print"),
    path("reports/<int:pk>/export.<str:fmt>", views.report_export, name="disclosure_report_export"),
    path("reports/<int:pk>/works", views.report_add_work, name="disclosure_report_work"),
    path("reports/<int:pk>/review", views.report_review, name="disclosure_report_review"),
    path("reports/<int:pk>/publish", views.report_publish, name="disclosure_report_publish"),
    path("reports/<int:pk>/correct", views.report_correct, name="disclosure_report_correct"),
    path("reports/<int:pk>/objections", views.objection_add, name="disclosure_objection_add"),
    path("objections/<int:pk>/answer", views.objection_answer, name="disclosure_objection_answer"),
]

from linli.disclosure import fund_views  # noqa: E402

urlpatterns += [
    path("funds/", fund_views.fund_index, name="fund_index"),
    path("funds/<str:code>/", fund_views.fund_detail, name="fund_detail"),
    path("funds/<str:code>/donations", fund_views.fund_donate, name="fund_donate"),
    path("funds/<str:code>/supervisors", fund_views.fund_supervisor, name="fund_supervisor"),
    path("funds/<str:code>/requests", fund_views.fund_spend, name="fund_spend"),
    path("funds/<str:code>/campaigns", fund_views.campaign_new, name="campaign_new"),
    path("spending/<int:pk>/decide", fund_views.spend_decide, name="spend_decide"),
    path("campaigns/<int:pk>/", fund_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/pledges", fund_views.pledge_new, name="pledge_new"),
    path("campaigns/<int:pk>/close", fund_views.campaign_close, name="campaign_close"),
    path("pledges/<int:pk>/receive", fund_views.pledge_receive, name="pledge_receive"),
    # Residents pledge on the public page; managers confirm or reject on their own page.
    path("campaigns/<int:pk>/pledge", fund_views.pledge_offer, name="pledge_offer"),
    path("campaigns/<int:pk>/pledges/", fund_views.campaign_pledges, name="campaign_pledges"),
    path("pledges/<int:pk>/confirm", fund_views.pledge_confirm, name="pledge_confirm"),
    path("pledges/<int:pk>/reject", fund_views.pledge_reject, name="pledge_reject"),
]
