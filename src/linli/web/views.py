"""Pages of the shell: home, places, import, account. Thin: parse, call one
service or selector, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli import authz
from linli.errors import DomainError
from linli.org import importing, selectors, services
from linli.org.models import ApiToken, Node, NodeKind
from linli.tabular import ImportRejected, read_upload
from linli.web.forms import TokenCreateForm, TreeImportForm


def home(request):
    roots = selectors.node_roots(viewer=request.user) if request.user.is_authenticated else []
    places = selectors.home_places(viewer=request.user)  # a fixed number of queries, however many roles
    rankable = [a.pk for a in places["areas"] if a.kind in {NodeKind.STREET, NodeKind.COMMUNITY}]
    ranked = set(authz.filter_visible(Node.objects.filter(pk__in=rankable), request.user,
                                      "cases.evaluation.view").values_list("pk", flat=True)) if rankable else set()
    areas = [{"node": a, "evaluation": a.pk in ranked} for a in places["areas"]]
    may_see_outbox = request.user.is_authenticated and authz.can(request.user, "outbox.message.view")
    may_record = request.user.is_authenticated and authz.can(request.user, "cases.case.record")
    may_give_roles = request.user.is_authenticated and authz.can(request.user, "org.role.assign")
    for role in places["roles"]:  # a role's place is a link only where the holder may open it
        _viewable(request.user, role.node)
    return render(request, "web/home.html", {"roots": roots, "roles": places["roles"], "units": places["units"],
                                             "compounds": places["compounds"], "areas": areas,
                                             "may_see_outbox": may_see_outbox, "may_record": may_record,
                                             "may_give_roles": may_give_roles})


def _viewable(user, node: Node) -> Node:
    node.viewable = authz.can(user, "org.node.view", node)  # type: ignore[attr-defined]  # read by the template
    return node


def _node_or_404(code: str):
    node = selectors.node_by_code(code)
    if node is None:
        raise Http404
    return node


@login_required
def node_detail(request, code: str):
    node = _node_or_404(code)
    authz.require(request.user, "org.node.view", node)
    children = selectors.node_children(viewer=request.user, node=node)
    people = (
        list(selectors.node_people(viewer=request.user, node=node))
        if authz.can(request.user, "org.people.view", node)
        else None
    )
    may_reset = people is not None and authz.can(request.user, "org.person.password.reset", node)
    for r in people or []:  # the link only for those this viewer may give a one-time password
        r.resettable = may_reset and selectors.person_password_resettable(  # type: ignore[attr-defined]
            viewer=request.user, person=r.person)
    if node.microgrid is not None:
        _viewable(request.user, node.microgrid)
    return render(
        request,
        "org/node_detail.html",
        {
            "node": node,
            # a crumb links only where the viewer may go (a grid worker sees no district page)
            "ancestors": [_viewable(request.user, a) for a in node.ancestors()],
            "children": children,
            "people": people,
            "may_import": node.kind == NodeKind.COMPOUND and authz.can(request.user, "org.tree.import", node),
            "may_print": node.kind in {NodeKind.COMPOUND, NodeKind.BUILDING, NodeKind.UNIT}
            and authz.can(request.user, "org.poster.print", node),
            "show_phones": people is not None,
            "may_reset": may_reset,
        },
    )


@login_required
def tree_import(request, code: str):
    compound = _node_or_404(code)
    authz.require(request.user, "org.tree.import", compound)
    result = rejected = None
    form = TreeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.tree_import(compound=compound, data=read_upload(upload), filename=upload.name, by=request.user)
        except ImportRejected as exc:
            rejected = exc
        except DomainError as exc:
            form.add_error("file", str(exc.message))
    status = 422 if (rejected or (request.method == "POST" and form.errors)) else 200
    return render(
        request,
        "org/tree_import.html",
        {"node": compound, "form": form, "result": result, "rejected": rejected, "columns": importing.COLUMNS},
        status=status,
    )


@login_required
def tree_import_template(request, code: str):
    """A CSV with the expected headers and one example row, to fill in Excel."""
    from django.http import HttpResponse

    from linli.tabular import csv_text

    compound = _node_or_404(code)
    authz.require(request.user, "org.tree.import", compound)
    microgrid = compound.parent.children.filter(kind=NodeKind.GRID).first()
    microgrid = microgrid.children.first() if microgrid else None
    example = {
        "building_code": f"{compound.code}-B1", "building_name": "1栋", "unit_code": f"{compound.code}-B1-U1",
        "unit_name": "1单元", "household_code": f"{compound.code}-B1-U1-0101", "household_name": "101室",
        "area_m2": "89.50", "microgrid_code": microgrid.code if microgrid else "",
    }
    rows = [[c.headers[0] for c in importing.COLUMNS], [example.get(c.key, "") for c in importing.COLUMNS]]
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linli-import-{compound.code}.csv"'
    return response


@login_required
def account(request):
    authz.require(request.user, "account.view", request.user)
    new_token = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(person=request.user, name=form.cleaned_data["name"], by=request.user)
    tokens = request.user.api_tokens.all()
    return render(request, "web/account.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("account")


@login_required
def posters(request, code: str):
    """Printable A4 QR posters of a building/unit, or of every building and unit
    of a compound (?format=pdf for one PDF)."""
    from django.http import HttpResponse

    from linli.org import posters as qr

    node = _node_or_404(code)
    authz.require(request.user, "org.poster.print", node)
    nodes = qr.poster_nodes(node)
    if request.GET.get("format") == "pdf":
        pdf = qr.posters_pdf(nodes, request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="linli-qr-{node.code}.pdf"'
        return response
    return render(request, "org/posters.html", qr.poster_context(nodes, request))
