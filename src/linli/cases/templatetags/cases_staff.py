"""The staff links of the top bar: the queue (if the person has one) and unread notifications."""
from django import template

from linli import authz
from linli.cases import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_nav(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"queue": False, "unread": 0}
    return {"queue": authz.can(user, "cases.queue.view"),
            "unread": selectors.notifications_for(viewer=user, unread_only=True).count()}
