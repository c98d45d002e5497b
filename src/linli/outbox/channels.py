"""Channels: one class per kind of outgoing message, named in the setting
``LINLI_OUTBOX_CHANNELS`` (default: e-mail only).

A channel says which address of a contact it uses (``address_for``), how an
address is shown to staff (``mask``) and how a message is sent (``send``: return
normally when the far side accepted it, raise on any failure; it must give up
within ``LINLI_EMAIL_TIMEOUT``-like bounds of its own, the worker never waits
forever). An SMS gateway is one more class::

    class AliyunSms(Channel):
        kind = "sms"

        def address_for(self, contact):
            return contact.phone

        def mask(self, address):
            return mask_phone(address)

        def send(self, message):
            ...  # call the gateway with a timeout; raise if it refused
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from linli.org.models import mask_phone


@dataclass(frozen=True)
class Contact:
    """The addresses someone can be reached at (any may be empty)."""

    email: str = ""
    phone: str = ""


class Channel:
    kind = ""

    def address_for(self, contact: Contact) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def mask(self, address: str) -> str:
        return mask_phone(address)

    def send(self, message) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def mask_email(address: str) -> str:
    """r***@example.cn: enough to recognise an address, not to write to it."""
    local, at, domain = address.partition("@")
    if not at:
        return "*" * len(address)
    return f"{local[:1]}***@{domain}"


class EmailChannel(Channel):
    """E-mail through Django's mail backend (SMTP with ``EMAIL_TIMEOUT`` in production)."""

    kind = "email"

    def address_for(self, contact: Contact) -> str:
        return contact.email

    def mask(self, address: str) -> str:
        return mask_email(address)

    def send(self, message) -> None:
        # A fresh connection per message: the SMTP backend applies EMAIL_TIMEOUT to
        # connecting and to every read, so a mail server that never answers costs
        # one timeout, not the worker.
        connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        email = EmailMessage(message.subject, message.body, None, [message.address], connection=connection,
                             headers={"X-Linli-Outbox": str(message.pk)})
        if email.send() != 1:
            raise RuntimeError("the mail backend did not accept the message")


def _paths() -> tuple[str, ...]:
    return tuple(getattr(settings, "LINLI_OUTBOX_CHANNELS", ["linli.outbox.channels.EmailChannel"]))


def channels() -> dict[str, Channel]:
    """The configured channels by kind."""
    found = {}
    for path in _paths():
        channel = import_string(path)()
        found[channel.kind] = channel
    return found


def channel(kind: str) -> Channel | None:
    return channels().get(kind)
