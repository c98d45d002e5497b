"""Service circles (seed 004 栖居草堂, seed 000): three directories per community —
government services 政务服务圈, the volunteer circle 志愿服务圈 and the life circle
生活服务圈 — of entries with an address, a map position, opening hours as data
(``linli.circles.hours``) and, for late-opening service points, the services
they offer. Compounds get a map position here (``CompoundLocation``) so that a
resident sees how far each entry is from home."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.org.models import Node, Person


class Circle(models.TextChoices):
    GOVERNMENT = "government", _("Government services")
    VOLUNTEER = "volunteer", _("Volunteer circle")
    LIFE = "life", _("Life circle")


# Suggested categories per circle (a category is free text; these fill the form's list).
CATEGORIES = {
    Circle.GOVERNMENT: ["公积金", "维修资金", "社保", "养老", "医保", "户籍", "党群服务", "便民服务"],
    Circle.VOLUNTEER: ["志愿服务队", "党员先锋队", "巡逻队", "助老助残", "文体队伍"],
    Circle.LIFE: ["超市", "餐饮", "菜市场", "学校", "医疗", "药店", "交通", "维修", "理发", "快递"],
}

class CompoundLocation(models.Model):
    """Where a compound lies (its main gate), for distances. Kept here, not on org.Node."""

    compound = models.OneToOneField(Node, verbose_name=_("compound"), on_delete=models.PROTECT,
                                    related_name="circle_location")
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("compound location")
        verbose_name_plural = _("compound locations")
        constraints = [
            models.CheckConstraint(name="circles_compound_lat", condition=Q(lat__gte=-90, lat__lte=90)),
            models.CheckConstraint(name="circles_compound_lng", condition=Q(lng__gte=-180, lng__lte=180)),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.lat},{self.lng}"


class Entry(models.Model):
    node = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="circle_entries")
    circle = models.CharField(_("circle"), max_length=12, choices=Circle.choices)
    category = models.CharField(pgettext_lazy("service circle", "category"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what it offers"), blank=True)
    address = models.CharField(_("address"), max_length=200)
    lat = models.DecimalField(_("latitude"), null=True, blank=True, max_digits=9, decimal_places=6)
    lng = models.DecimalField(_("longitude"), null=True, blank=True, max_digits=9, decimal_places=6)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # An organisation's public number (an office, a shop's counter) is shown whole on public pages;
    # any other number (a team leader's mobile) is masked there.
    phone_public = models.BooleanField(_("public number of an organisation"), default=False)
    hours = models.JSONField(_("opening hours"), default=list, blank=True)
    closed_dates = models.JSONField(_("closed on these dates"), default=list, blank=True)
    documents = models.TextField(_("documents to bring"), blank=True)
    link = models.URLField(_("link"), blank=True)
    services = models.CharField(_("services offered"), max_length=300, blank=True)
    service_point = models.BooleanField(_("service point"), default=False)
    merchant = models.ForeignKey("mutualaid.Merchant", verbose_name=_("merchant"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="circle_entries")
    hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("service-circle entry")
        verbose_name_plural = _("service-circle entries")
        ordering = ["node", "circle", "name"]
        constraints = [
            models.CheckConstraint(name="circles_entry_circle",
                                   condition=Q(circle__in=["government", "volunteer", "life"])),
            models.CheckConstraint(name="circles_entry_position",
                                   condition=Q(lat__isnull=True, lng__isnull=True)
                                   | Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180)),
            # A service point says what it offers.
            models.CheckConstraint(name="circles_entry_service_point", condition=Q(service_point=False) | ~Q(services="")),
            models.UniqueConstraint(fields=["node", "name", "address"], name="circles_entry_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def label(cls, name: str) -> str:
        """The field's human name (for messages and the history)."""
        return str(getattr(cls._meta.get_field(name), "verbose_name", name))

    @property
    def service_list(self) -> list[str]:
        return [s for s in (x.strip() for x in self.services.replace("，", "、").replace(",", "、").split("、")) if s]


class EventKind(models.TextChoices):
    CREATED = "created", _("Entry added")
    UPDATED = "updated", _("Entry changed")
    HIDDEN = "hidden", _("Entry hidden")
    SHOWN = "shown", _("Entry shown again")
    LOCATION = "location", _("Compound position set")


class Event(models.Model):
    """Append-only log of every change (who, when, which fields, before and after)."""

    node = models.ForeignKey(Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, verbose_name=_("entry"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    by = models.ForeignKey(Person, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("service-circle event")
        verbose_name_plural = _("service-circle events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.node} {self.kind}"
