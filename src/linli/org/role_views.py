"""Role pages: community and street staff give and take roles within their own scope,
see who holds what and who gave it, and import role holders from CSV/XLSX with a
preview. Thin: parse, call one service or selector, render; ``linli.authz`` decides
(``org.role.assign`` at the place; the rank rule in ``org.services``)."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.errors import DomainError, InvalidInput, NotAllowed
from linli.org import role_import, selectors, services
from linli.org.models import Node, Person, Role, RoleAssignment
from linli.tabular import ImportRejected, csv_text, read_upload

# A file kept between the preview and the confirmation (role lists are short).
MAX_PREVIEW_BYTES = 1024 * 1024


def _place(code: str) -> Node:
    node = selectors.node_by_code(code)
    if node is None:
        raise Http404
    return node


def grantable(viewer, node: Node) -> list[tuple[str, Any]]:
    """The roles the viewer may give somewhere at or below ``node`` (the form's choices)."""
    rank = services.rank_at(viewer, node)
    return [(r.value, r.label) for r in Role if services.role_rank(r.value) <= rank]


@login_required
def role_index(request):
    """Where the viewer manages roles; one place goes straight to its page."""
    authz.require(request.user, "org.role.assign")
    places = selectors.role_places(viewer=request.user)
    if len(places) == 1:
        return redirect("role_place", places[0].code)
    return render(request, "org/roles/index.html", {"places": places})


def _page(request, node: Node, *, error=None, form=None, status: int = 200):
    holders = list(selectors.role_holders(viewer=request.user, node=node)[:500])
    return render(request, "org/roles/place.html", {
        "node": node, "holders": holders, "history": selectors.role_history(viewer=request.user, node=node),
        "roles": grantable(request.user, node), "error": error, "form": form or {},
        "places_below": Node.objects.filter(path__startswith=node.path).exclude(kind="household").order_by("path")[:300],
    }, status=status)


@login_required
def role_place(request, code: str):
    node = _place(code)
    authz.require(request.user, "org.role.assign", node)
    return _page(request, node)


def _person(handle: str) -> Person:
    """The person named on the form: a user name or a mobile number."""
    handle = (handle or "").strip()
    person = (Person.objects.filter(username=handle, is_active=True).first()
              or Person.objects.filter(phone=handle, is_active=True).order_by("-pk").first()) if handle else None
    if person is None:
        raise InvalidInput("role.person", _("No person has this user name or mobile number."))
    return person


@login_required
@require_POST
def role_grant(request, code: str):
    node = _place(code)
    authz.require(request.user, "org.role.assign", node)
    form = {k: request.POST.get(k, "")[:100] for k in ("person", "role", "place")}
    try:
        if any("\x00" in v for v in form.values()):  # PostgreSQL cannot even look such text up
            raise InvalidInput("role.nul", _("The request contains a NUL character."))
        code_given = form["place"].strip()
        place = selectors.node_by_code(code_given) if code_given else node
        if place is None:
            raise InvalidInput("role.place", _("No place has code %(code)s.") % {"code": code_given})
        if not place.path.startswith(node.path):
            raise InvalidInput("role.place", _("%(code)s is not in %(name)s.") % {"code": place.code, "name": node.name})
        person = _person(form["person"])
        services.role_assign(person=person, role=form["role"], node=place, by=request.user)
    except DomainError as exc:
        return _page(request, node, error=exc.message, form=form, status=exc.status)
    messages.success(request, _("%(person)s is now %(role)s at %(place)s.")
                     % {"person": person, "role": Role(form["role"]).label, "place": place.full_name()})
    return redirect("role_place", node.code)


@login_required
@require_POST
def role_withdraw(request, pk: int):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("person", "node"), pk=pk)
    authz.require(request.user, "org.role.assign", assignment.node)
    back = request.POST.get("back", "")
    node = selectors.node_by_code(back) if back and "\x00" not in back else None
    if node is None or not assignment.node.path.startswith(node.path):
        node = assignment.node
    try:
        services.role_revoke(assignment=assignment, by=request.user)
    except DomainError as exc:
        return _page(request, node, error=exc.message, status=exc.status)
    messages.success(request, _("Role withdrawn: %(person)s, %(role)s at %(place)s.")
                     % {"person": assignment.person, "role": assignment.get_role_display(),
                        "place": assignment.node.full_name()})
    return redirect("role_place", node.code)


@login_required
def role_import_page(request, code: str):
    """Upload → preview (nothing written) → confirm (everything or nothing)."""
    node = _place(code)
    authz.require(request.user, "org.role.assign", node)
    plan = rejected = result = None
    error, kept, filename = None, "", ""
    if request.method == "POST":
        try:
            if request.POST.get("confirm"):
                filename = request.POST.get("filename", "")[:100]
                data = base64.b64decode(request.POST.get("data", ""), validate=True)
                result = role_import.role_import(node=node, data=data, filename=filename, by=request.user)
                messages.success(request, _("Imported: %(g)d roles given, %(u)d already held, %(p)d accounts opened.")
                                 % {"g": result.granted, "u": result.unchanged, "p": result.people_created})
                return redirect("role_place", node.code)
            upload = request.FILES.get("file")
            if upload is None or not upload.name.lower().endswith((".csv", ".xlsx")):
                raise InvalidInput("import.file", _("Upload a .csv or .xlsx file."))
            data = read_upload(upload)
            if len(data) > MAX_PREVIEW_BYTES:
                raise InvalidInput("import.size", _("The file is larger than 1 MB."))
            filename = upload.name[:100]
            plan = role_import.role_import_check(node=node, data=data, filename=filename, by=request.user)
            kept = base64.b64encode(data).decode()
        except ImportRejected as exc:
            rejected = exc
        except (binascii.Error, ValueError):
            error = _("The preview was damaged; upload the file again.")
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
    status = 422 if (rejected or error) else 200
    return render(request, "org/roles/import.html", {
        "node": node, "plan": plan, "rejected": rejected, "error": error, "data": kept, "filename": filename,
        "columns": role_import.COLUMNS, "new_people": sum(1 for g in plan or [] if g.person is None),
    }, status=status)


@login_required
def role_import_template(request, code: str):
    node = _place(code)
    authz.require(request.user, "org.role.assign", node)
    rows = [[c.headers[0] for c in role_import.COLUMNS], ["张三", "13800000000", str(Role.GRID_WORKER.label), node.code]]
    response = HttpResponse("\ufeff" + csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linli-roles-{node.code}.csv"'
    return response

