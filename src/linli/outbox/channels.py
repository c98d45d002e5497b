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

import logging
import re
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
    # A mobile number that asked for SMS (a resident's "tell me how it goes"): the SMS
    # channel writes only to these, never to any phone a contact happens to have.
    sms_phone: str = ""


class Channel:
    kind = ""
    # A channel that wakes people (SMS) holds non-urgent messages during the quiet hours
    # (``LINLI_OUTBOX_QUIET_HOURS``, 22:00–08:00 Asia/Shanghai): see ``outbox.services``.
    quiet_hours = False

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


# --- SMS ------------------------------------------------------------------------------------

MOBILE_RE = re.compile(r"^1\d{10}$")

# One template per kind of message. A provider sends a registered template with its
# parameters (in this order), never free text: ``template_id`` is the provider's id,
# set per deployment in ``LINLI_SMS_TEMPLATES`` ({"resident.accepted": "1234567", …});
# ``text`` is the wording registered with the provider (and what the log provider prints).
SMS_TEMPLATES: dict[str, dict] = {
    "resident.accepted": {"params": ["code", "link", "stop"],
                          "text": "您的诉求{1}已受理，我们会尽快处理。查看进展：{2} 退订：{3}"},
    "resident.planned": {"params": ["code", "colour", "due", "link", "stop"],
                         "text": "您的诉求{1}已有处理方案（{2}），预计{3}前办结。查看方案：{4} 退订：{5}"},
    "resident.progress": {"params": ["code", "link", "stop"],
                          "text": "您的诉求{1}有新进展。查看：{2} 退订：{3}"},
    "resident.done": {"params": ["code", "link", "stop"],
                      "text": "您的诉求{1}已办结，请评价是否满意：{2} 退订：{3}"},
    "resident.reopened": {"params": ["code", "link", "stop"],
                          "text": "您的诉求{1}已重新办理。查看进展：{2} 退订：{3}"},
    "resident.escalated": {"params": ["code", "level", "link", "stop"],
                           "text": "您的诉求{1}超过时限，已上报{2}督办。查看进展：{3} 退订：{4}"},
    "resident.unsolvable": {"params": ["code", "link", "stop"],
                            "text": "您的诉求{1}暂时无法解决，我们会继续跟进并说明原因：{2} 退订：{3}"},
}


def sms_template(kind: str) -> dict | None:
    """The template of a kind of message, with its provider id from ``LINLI_SMS_TEMPLATES``."""
    base = SMS_TEMPLATES.get(kind)
    if base is None:
        return None
    ids = getattr(settings, "LINLI_SMS_TEMPLATES", {}) or {}
    return {**base, "template_id": str(ids.get(kind, ""))}


def sms_params(kind: str, values: dict) -> list[str]:
    """The template's parameters in its order (missing ones empty)."""
    template = SMS_TEMPLATES[kind]
    return [str(values.get(name, "")) for name in template["params"]]


def sms_text(kind: str, values: dict) -> str:
    """The message as the resident reads it: the template with its parameters filled in."""
    text = SMS_TEMPLATES[kind]["text"]
    for i, value in enumerate(sms_params(kind, values), start=1):
        text = text.replace("{" + str(i) + "}", value)
    return text


class SmsProvider:
    """One SMS gateway. ``send`` returns the provider's id of the message, raises on refusal."""

    def send(self, *, phone: str, template_id: str, params: list[str], text: str, reference: str) -> str:
        raise NotImplementedError  # pragma: no cover - interface


class LogSmsProvider(SmsProvider):
    """For the demo and development: writes the message to the log (number masked)."""

    def send(self, *, phone: str, template_id: str, params: list[str], text: str, reference: str) -> str:
        logging.getLogger("linli.sms").info("SMS to %s: %s", mask_phone(phone), text)
        return f"log-{reference}"


class SmsRefused(RuntimeError):
    """The provider answered and refused the message (its code and message kept)."""


class TencentSmsProvider(SmsProvider):
    """Tencent Cloud SMS (短信 SendSms, API 2021-01-11) through its official SDK
    ``tencentcloud-sdk-python-sms``. Settings (``LINLI_SMS_TENCENT``): ``secret_id``,
    ``secret_key``, ``sdk_app_id``, ``sign_name``, ``region`` (ap-guangzhou),
    ``endpoint`` (sms.tencentcloudapi.com), ``scheme`` (https) and ``timeout`` seconds."""

    def __init__(self, config: dict | None = None):
        self.config = {"region": "ap-guangzhou", "endpoint": "sms.tencentcloudapi.com", "scheme": "https",
                       "timeout": 10, **(config if config is not None else getattr(settings, "LINLI_SMS_TENCENT", {}))}

    def client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        c = self.config
        http = HttpProfile(protocol=c["scheme"], endpoint=c["endpoint"], reqTimeout=int(c["timeout"]))
        return sms_client.SmsClient(credential.Credential(c["secret_id"], c["secret_key"]), c["region"],
                                    ClientProfile(httpProfile=http))

    def send(self, *, phone: str, template_id: str, params: list[str], text: str, reference: str) -> str:
        from tencentcloud.sms.v20210111 import models

        if not template_id:
            raise SmsRefused("no template id is configured for this kind of message (LINLI_SMS_TEMPLATES)")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId = str(self.config["sdk_app_id"])
        request.SignName = self.config["sign_name"]
        request.TemplateId = template_id
        request.TemplateParamSet = params
        request.SessionContext = reference
        response = self.client().SendSms(request)  # raises TencentCloudSDKException on an error answer
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            status = statuses[0] if statuses else None
            raise SmsRefused(f"{getattr(status, 'Code', 'NoStatus')}: {getattr(status, 'Message', '')}")
        return statuses[0].SerialNo or ""


SMS_PROVIDERS = {"log": "linli.outbox.channels.LogSmsProvider", "tencent": "linli.outbox.channels.TencentSmsProvider"}


def sms_provider() -> SmsProvider:
    name = getattr(settings, "LINLI_SMS_PROVIDER", "log") or "log"
    return import_string(SMS_PROVIDERS.get(name, name))()


class SmsChannel(Channel):
    """SMS to a mainland mobile number, through the provider named in ``LINLI_SMS_PROVIDER``
    (``log`` by default, ``tencent`` for Tencent Cloud SMS). A message carries its template
    kind and parameters (``OutboxMessage.params``); one without a template is not sent."""

    kind = "sms"
    quiet_hours = True

    def address_for(self, contact: Contact) -> str:
        phone = contact.sms_phone or ""
        return phone if MOBILE_RE.match(phone) else ""

    def mask(self, address: str) -> str:
        return mask_phone(address)

    def send(self, message) -> None:
        kind = (message.params or {}).get("template") or message.kind
        template = sms_template(kind)
        if template is None:
            raise SmsRefused(f"no SMS template for {kind!r}")
        values = (message.params or {}).get("values", {})
        sms_provider().send(phone=message.address, template_id=template["template_id"],
                            params=sms_params(kind, values), text=sms_text(kind, values), reference=str(message.pk))


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
