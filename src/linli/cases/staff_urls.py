"""URLs of the staff pages of resident requests (login required on each)."""
from django.urls import path

from linli.cases import staff_views as v

urlpatterns = [
    path("queue/", v.queue, name="queue"),
    path("cases/new", v.case_record, name="case_record"),
    path("cases/new/same", v.case_record_support, name="case_record_support"),
    path("cases/import", v.hotline_import, name="hotline_import"),
    path("cases/import-template.csv", v.hotline_import_template, name="hotline_import_template"),
    path("cases/<int:pk>", v.case_detail, name="case_detail"),
    path("cases/<int:pk>/do/<str:action>", v.case_act, name="case_act"),
    path("cases/<int:pk>/photos/<int:photo_pk>", v.case_photo, name="case_photo"),
    path("notifications/", v.notifications, name="notifications"),
    path("notifications/<int:pk>/read", v.notification_read, name="notification_read"),
    path("notifications/read-all", v.notifications_read_all, name="notifications_read_all"),
    path("escalations/<int:pk>/ack", v.escalation_ack, name="escalation_ack"),
    path("policies/", v.policies, name="policies"),
]
