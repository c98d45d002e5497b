from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualAidConfig(AppConfig):
    name = "linli.mutualaid"
    label = "mutualaid"
    verbose_name = _("Mutual aid")

    def ready(self):
        from linli import authz
        from linli.mutualaid.permissions import RULES

        authz.register(RULES)
