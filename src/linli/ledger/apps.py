from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "linli.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self):
        from linli import authz
        from linli.ledger.rules import RULES

        authz.register(RULES)
