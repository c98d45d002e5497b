"""The two trees (administrative and residential), people, and scoped roles.

Both trees live in one table, ``Node``, so that a role's scope is simply "this
node and everything below it" (a materialised ``path``). The residential tree
hangs under a community: district > street > community > compound > ... A
household also points at its micro-grid, the one place where the two trees
cross, so a micro-grid's or grid's scope reaches its households too.
"""
from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    MICROGRID = "microgrid", _("Micro-grid")
    COMPOUND = "compound", _("Compound")
    GROUP = "group", _("Group / phase")
    BUILDING = "building", _("Building")
    UNIT = "unit", _("Unit")
    HOUSEHOLD = "household", _("Household")


# Which kinds may stand directly under which. A compound's groups are optional,
# so a building may sit under a compound or under a group.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    NodeKind.DISTRICT: {None},
    NodeKind.STREET: {NodeKind.DISTRICT},
    NodeKind.COMMUNITY: {NodeKind.STREET},
    NodeKind.GRID: {NodeKind.COMMUNITY},
    NodeKind.MICROGRID: {NodeKind.GRID},
    NodeKind.COMPOUND: {NodeKind.COMMUNITY},
    NodeKind.GROUP: {NodeKind.COMPOUND},
    NodeKind.BUILDING: {NodeKind.COMPOUND, NodeKind.GROUP},
    NodeKind.UNIT: {NodeKind.BUILDING},
    NodeKind.HOUSEHOLD: {NodeKind.UNIT},
}


class PropertyMode(models.TextChoices):
    SELF_MANAGED = "self", _("Self-managed by residents")
    TRUSTEESHIP = "trusteeship", _("Community trusteeship")
    PROFESSIONAL = "professional", _("Professional property company")
    TRUST = "trust", _("Trust-style property service")


class PropertyCompany(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def path_ids(path: str) -> list[int]:
    """The node ids of a materialised path "/1/5/9/", root first."""
    return [int(x) for x in path.strip("/").split("/") if x]


CODE_VALIDATOR_RE = r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$"


class Node(models.Model):
    """A place in either tree. ``code`` is the stable short code used in URLs,
    QR codes and Open311 ids; it never changes once issued."""

    kind = models.CharField(_("kind"), max_length=16, choices=NodeKind.choices, db_index=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<id>/<id>/.../" of this node and its ancestors; kept by services.node_save.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Compound only.
    property_mode = models.CharField(
        _("property service mode"), max_length=16, choices=PropertyMode.choices, blank=True
    )
    property_company = models.ForeignKey(
        PropertyCompany, verbose_name=_("property company"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Household only.
    area_m2 = models.DecimalField(
        _("exclusive floor area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    microgrid = models.ForeignKey(
        "self",
        verbose_name=_("micro-grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"kind": NodeKind.MICROGRID},
    )
    # Derived, kept by services.node_create and node_update so that recording a request reads no tree:
    # the compound a place lies in (a compound itself; none above compounds) and the
    # micro-grid a request about it goes to (a household's own; for a unit, building
    # or group the one most of its households belong to; a micro-grid itself).
    compound = models.ForeignKey("self", verbose_name=_("compound"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", editable=False)
    request_microgrid = models.ForeignKey("self", verbose_name=_("micro-grid its requests go to"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                name="node_code_format",
                condition=Q(code__regex=CODE_VALIDATOR_RE),
            ),
            # Every household has a positive area and exactly one micro-grid;
            # other places have neither.
            models.CheckConstraint(
                name="node_household_fields",
                condition=(
                    Q(kind="household", area_m2__gt=Decimal("0"), microgrid__isnull=False)
                    | (~Q(kind="household") & Q(area_m2__isnull=True, microgrid__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="node_property_only_on_compound",
                condition=Q(kind="compound") | Q(property_mode="", property_company__isnull=True),
            ),
            models.CheckConstraint(
                name="node_root_is_district",
                condition=Q(kind="district", parent__isnull=True) | (~Q(kind="district") & Q(parent__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2 if self.path else 0

    def ancestor_ids(self, *, include_self: bool = True) -> list[int]:
        """The ids on this place's path, from the root down (the one reading of ``path``)."""
        ids = path_ids(self.path)
        return ids if include_self else ids[:-1]

    def ancestors(self) -> models.QuerySet[Node]:
        return Node.objects.filter(id__in=self.ancestor_ids(include_self=False)).order_by("path")

    def ancestor_of_kind(self, kind: str) -> Node | None:
        if self.kind == kind:
            return self
        return self.ancestors().filter(kind=kind).first()

    def full_name(self) -> str:
        names = [n.name for n in self.ancestors() if n.kind not in {"district", "street"}]
        return " ".join([*names, self.name])


class Person(AbstractUser):
    """An account. Real name and phone are personal data: phones are shown
    masked everywhere but to the person and to staff in scope."""

    real_name = models.CharField(_("real name"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, db_index=True)
    # Set when staff gave a one-time password: every page leads to the password change until it is changed.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise one's own number, not to call it."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str) -> str:
    """张**: the surname, the rest hidden."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, min(len(name) - 1, 2)) if name else ""


def mask_email(email: str) -> str:
    """w***@example.org: the first letter and the domain."""
    local, at, domain = (email or "").strip().partition("@")
    if not local:
        return ""
    return f"{local[:1]}***{at}{domain}"


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    OWNER = "owner", _("Owner")
    BUILDING_REP = "building_rep", _("Building representative")
    MICROGRID_LEADER = "microgrid_leader", _("Micro-grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")
    SPECIAL_MICROGRID_MEMBER = "special_member", _("Special micro-grid member")
    PROPERTY_STAFF = "property_staff", _("Property staff")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    GOVERNANCE_COMMITTEE = "governance_committee", _("Governance committee")
    PARTY_BRANCH = "party_branch", _("Party branch")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    STREET_STAFF = "street_staff", _("Street staff")
    MERCHANT = "merchant", _("Merchant")
    VOLUNTEER = "volunteer", _("Volunteer")


# The kinds of place each role may be scoped to (DOMAIN.md §1).
ROLE_SCOPE_KINDS: dict[str, set[str]] = {
    Role.RESIDENT: {NodeKind.HOUSEHOLD},
    Role.OWNER: {NodeKind.HOUSEHOLD},
    Role.BUILDING_REP: {NodeKind.BUILDING},
    Role.MICROGRID_LEADER: {NodeKind.MICROGRID},
    Role.GRID_WORKER: {NodeKind.GRID},
    Role.SPECIAL_MICROGRID_MEMBER: {NodeKind.MICROGRID},
    Role.PROPERTY_STAFF: {NodeKind.COMPOUND},
    Role.OWNERS_COMMITTEE: {NodeKind.COMPOUND},
    Role.GOVERNANCE_COMMITTEE: {NodeKind.COMPOUND},
    Role.PARTY_BRANCH: {NodeKind.COMPOUND},
    Role.COMMUNITY_STAFF: {NodeKind.COMMUNITY},
    Role.STREET_STAFF: {NodeKind.STREET, NodeKind.DISTRICT},
    Role.MERCHANT: {NodeKind.COMMUNITY, NodeKind.STREET},
    Role.VOLUNTEER: set(NodeKind.values),
}


class RoleAssignment(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    node = models.ForeignKey(Node, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="role_assignments")
    created_at = models.DateTimeField(_("assigned"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["person", "role", "node"], name="role_unique_per_scope")]
        indexes = [models.Index(fields=["person", "role"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.node}"


class RoleEvent(models.Model):
    """Append-only history of roles: who gave or took which role of whom, where
    and when. ``by`` is empty for the system (demo data, the command line)."""

    class Action(models.TextChoices):
        GRANT = "grant", _("Role given")
        WITHDRAW = "withdraw", _("Role taken away")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="role_events")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    node = models.ForeignKey(Node, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(Person, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.person} · {self.get_role_display()} · {self.node}"


class AccountEvent(models.Model):
    """Append-only history of what happened to an account: a one-time password
    set by staff, a password change, a download of one's data, an erasure."""

    class Action(models.TextChoices):
        PASSWORD_RESET = "password_reset", _("One-time password set by staff")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        DATA_DOWNLOADED = "data_downloaded", _("Personal data downloaded")
        ERASED = "erased", _("Personal data erased")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="account_events")
    by = models.ForeignKey(Person, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.person}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.person})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "ll_" + secrets.token_urlsafe(32)
