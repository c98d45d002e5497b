from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "linli.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self):
        from linli import authz
        from linli.ledger.permissions import RULES

        authz.register(RULES)
