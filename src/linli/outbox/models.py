"""The outbox: every message that leaves the system (e-mail now, SMS and others later).

A row is written in the transaction of the event that causes it, so a rolled-back
action sends nothing and a committed one is never forgotten; the worker sends it
later (``linli.outbox.services.outbox_drain``).
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutboxMessage(models.Model):
    """One message to one address over one channel.

    States: pending → sending (claimed by a worker until ``claimed_until``) → sent, or
    back to pending with a later ``next_attempt_at`` after a failed attempt, or failed
    after the last allowed attempt. ``dedupe_key`` names the event and the channel, so
    the same event never enqueues the same message twice.
    """

    channel = models.CharField(max_length=20, verbose_name=pgettext_lazy("message", "channel"))
    address = models.CharField(max_length=254, verbose_name=_("address"))
    subject = models.CharField(max_length=200, blank=True, verbose_name=_("subject"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    kind = models.CharField(max_length=30, blank=True, verbose_name=_("kind"))
    # The place the message is about, for who may see it (authz scope); empty: superusers only.
    node = models.ForeignKey("org.Node", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("place"))
    # Template parameters for channels that send templates (SMS): {"template": kind, "params": {...}}.
    params = models.JSONField(default=dict, blank=True, verbose_name=_("template parameters"))
    # Urgent messages pass the quiet hours; others are held until ``not_before`` (08:00).
    urgent = models.BooleanField(default=False, verbose_name=_("urgent"))
    not_before = models.DateTimeField(null=True, blank=True, verbose_name=_("held until"))
    dedupe_key = models.CharField(max_length=120, unique=True, verbose_name=_("dedupe key"))
    state = models.CharField(max_length=10, choices=MessageState.choices, default=MessageState.PENDING,
                             verbose_name=_("state"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.CharField(max_length=500, blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    next_attempt_at = models.DateTimeField(verbose_name=_("next attempt at"))
    claimed_until = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed until"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker reads only what may be sent now.
            models.Index(fields=["next_attempt_at", "id"], name="outbox_due",
                         condition=Q(state__in=["pending", "sending"])),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["pending", "sending", "sent", "failed"]),
                                   name="outbox_state_valid"),
            models.CheckConstraint(condition=Q(state="sent", sent_at__isnull=False)
                                   | (~Q(state="sent") & Q(sent_at__isnull=True)), name="outbox_sent_iff_sent_at"),
            models.CheckConstraint(condition=~Q(state="sending") | Q(claimed_until__isnull=False),
                                   name="outbox_sending_is_claimed"),
            models.CheckConstraint(condition=~Q(address=""), name="outbox_has_address"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.subject[:40]}"
