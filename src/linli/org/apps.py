from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "linli.org"
    label = "org"
    verbose_name = _("Organisation: trees and people")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from linli.authz import _RoleChanges
        from linli.org.models import RoleAssignment

        post_save.connect(_RoleChanges.bump, sender=RoleAssignment, dispatch_uid="authz_role_changes_save")
        post_delete.connect(_RoleChanges.bump, sender=RoleAssignment, dispatch_uid="authz_role_changes_delete")
