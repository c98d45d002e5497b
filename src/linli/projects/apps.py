from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "linli.projects"
    label = "projects"
    verbose_name = _("Renovation projects")

    def ready(self):
        from linli import authz
        from linli.cases.selectors import DEDICATED_CATEGORY_PREFIXES
        from linli.projects.permissions import RULES

        authz.register(RULES)
        # Construction problems are filed through a project's supervision form only.
        DEDICATED_CATEGORY_PREFIXES.add("construction-")
