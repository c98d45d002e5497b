"""The start page's fund links: a fund's supervisors (the bank, the developer,
the residents' committee) hold no place role, yet must find the fund they approve."""
from django import template

from linli.disclosure import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def my_funds(context) -> list:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return selectors.funds_supervised(viewer=user)
