from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "linli.surveys"
    label = "surveys"
    verbose_name = _("Questionnaires")

    def ready(self):
        from linli import authz
        from linli.surveys.permissions import RULES

        authz.register(RULES)
