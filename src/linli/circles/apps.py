from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "linli.circles"
    label = "circles"
    verbose_name = _("Service circles")

    def ready(self):
        from linli import authz
        from linli.circles.permissions import RULES

        authz.register(RULES)
