"""Sign-in with a second limit beside django-axes'.

Axes locks one username tried from one address; this counts failed sign-ins per
address whatever the usernames (one wrong password on each of many accounts), in
the database like every other limit (``linli.throttle``)."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from linli import throttle


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        hits, window = throttle.rate("LINLI_LOGIN_ADDRESS_THROTTLE", (30, 900))
        key = throttle.client_key(request, "login.failed")
        if throttle.is_exceeded(key, limit=hits, window=window):
            return render(request, "registration/locked.html", status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            throttle.count_hit(key)
        return response
