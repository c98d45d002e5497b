from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "linli.deliberation.votes"
    label = "votes"
    verbose_name = _("Owners' votes")

    def ready(self):
        from linli import authz
        from linli.deliberation.votes.permissions import RULES

        authz.register(RULES)
