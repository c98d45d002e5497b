from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "linli.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure")

    def ready(self):
        from linli import authz
        from linli.disclosure.permissions import RULES

        authz.register(RULES)
