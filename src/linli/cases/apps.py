from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "linli.cases"
    label = "cases"
    verbose_name = _("Resident requests")

    def ready(self):
        from linli import authz
        from linli.cases.permissions import RULES

        authz.register(RULES)
