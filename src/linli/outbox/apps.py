from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "linli.outbox"
    label = "outbox"
    verbose_name = _("Outgoing messages")

    def ready(self):
        from linli import authz
        from linli.outbox.permissions import RULES

        authz.register(RULES)
