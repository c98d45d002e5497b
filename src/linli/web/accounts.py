"""Account pages: password change, password reset by e-mail, a one-time
password from staff in scope, downloading one's personal data, erasure.
Thin: the writes are org and ``linli.privacy`` services."""
from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from linli import authz, privacy
from linli.errors import NotAllowed
from linli.org import selectors, services
from linli.org.models import Person
from linli.web.forms import ConfirmPasswordForm


def send_reset_mail(*, subject: str, body: str, to: str, html: str | None = None) -> None:
    """The one place a password-reset e-mail leaves: an outbox row, sent by the
    worker (never SMTP inside the web request). The plain-text body carries the
    link; an HTML alternative is not queued (the outbox sends text). The same
    link asked for twice in one moment is queued once."""
    import hashlib

    from linli.outbox.services import message_enqueue

    digest = hashlib.sha256(f"{to}\n{body}".encode()).hexdigest()[:32]
    message_enqueue(channel="email", address=to, subject=subject, body=body, dedupe_key=f"password-reset:{digest}",
                    kind="account.password_reset")


class ResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        html = render_to_string(html_email_template_name, context) if html_email_template_name else None
        send_reset_mail(subject=subject, body=body, to=to_email, html=html)


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "web/account/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            authz.require(request.user, "account.password.change", request.user)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.person_password_changed(person=self.request.user, by=self.request.user)  # type: ignore[arg-type]
        return response


class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    template_name = "web/account/password_change_done.html"


class PasswordReset(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "web/account/password_reset.html"
    email_template_name = "web/account/password_reset_email.txt"
    subject_template_name = "web/account/password_reset_subject.txt"


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "web/account/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "web/account/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.person_password_changed(person=form.user, by=None)
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "web/account/password_reset_complete.html"


@login_required
def person_password(request, pk: int):
    """Staff of a community or street set a one-time password for a person in
    their scope (someone who forgot theirs and has no e-mail), shown once."""
    person = get_object_or_404(Person.objects.filter(is_active=True), pk=pk)
    if not selectors.person_password_resettable(viewer=request.user, person=person):
        raise NotAllowed("forbidden", _("You may not do this here."))
    places = [r.node for r in person.roles.select_related("node")]
    one_time = None
    if request.method == "POST":
        one_time = services.person_password_reset(person=person, by=request.user)
    return render(request, "web/account/person_password.html", {"person": person, "one_time": one_time,
                                                                 "places": places})


def _download(request, kind: str):
    data = privacy.personal_data(person=request.user, viewer=request.user)
    privacy.personal_data_downloaded(person=request.user)
    stamp = timezone.localdate().isoformat()
    if kind == "json":
        response = HttpResponse(privacy.personal_data_json(data), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(privacy.personal_data_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linli-my-data-{stamp}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_data_json(request):
    return _download(request, "json")


@login_required
def my_data_csv(request):
    return _download(request, "csv")


@login_required
def erase(request):
    """Erasure on request: after the password is given again and the
    consequences are read, the person's data are anonymised and they are signed out."""
    authz.require(request.user, "account.erase", request.user)
    form = ConfirmPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.person_erase(person=request.user, by=request.user)
        logout(request)
        return render(request, "web/account/erased.html")
    return render(request, "web/account/erase.html", {"form": form}, status=422 if form.errors else 200)

