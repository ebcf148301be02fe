"""Org pages: the tree browser, detail, search, edits and the Excel import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fulian.accounts.selectors import positions_visible_to
from fulian.core import imports
from fulian.core.errors import RowErrors, error_text
from fulian.core.lists import Column, ListPage

from . import importing, selectors, services
from .filters import OrgFilter
from .forms import OrgCloseForm, OrgCreateForm, OrgEditForm, OrgImportForm, OrgMoveForm

CHILDREN_PAGE = 500


def _need(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


@login_required
def tree(request):
    _need(request, "orgs.view_org")
    roots = selectors.org_roots_for_viewer(viewer=request.user)
    return render(request, "orgs/tree.html", {"title": _("组织网络"), "roots": roots})


@login_required
def children(request, pk):
    """The htmx fragment the tree loads when a node is opened."""
    _need(request, "orgs.view_org")
    parent = selectors.org_get_for_viewer(viewer=request.user, org_id=pk)
    rows = list(
        selectors.org_children_for_viewer(viewer=request.user, parent=parent)[: CHILDREN_PAGE + 1]
    )
    return render(
        request,
        "orgs/_children.html",
        {"parent": parent, "nodes": rows[:CHILDREN_PAGE], "more": len(rows) > CHILDREN_PAGE},
    )


@login_required
def detail(request, pk):
    _need(request, "orgs.view_org")
    org = selectors.org_get_for_viewer(viewer=request.user, org_id=pk)
    can_see_positions = request.user.has_perm("accounts.view_position")
    return render(
        request,
        "orgs/detail.html",
        {
            "title": org.name,
            "org": org,
            "ancestors": selectors.org_ancestors(org),
            "children": selectors.org_children_for_viewer(
                viewer=request.user, parent=org, include_closed=True
            )[:50],
            "coverage": selectors.org_coverage(viewer=request.user, org=org),
            "positions": positions_visible_to(viewer=request.user).current().filter(org=org)
            if can_see_positions
            else [],
        },
    )


class OrgList(ListPage):
    title = _("组织查询")
    export_name = "orgs"
    filterset_class = OrgFilter
    columns = [
        Column("name", _("名称"), link=lambda o: reverse("orgs:detail", args=[o.pk])),
        Column("code", _("代码")),
        Column("kind", _("类型"), value=lambda o: o.get_kind_display()),
        Column("parent__name", _("上级组织")),
        Column("urban_rural", _("城乡分类"), value=lambda o: o.get_urban_rural_display()),
        Column("status", _("状态"), value=lambda o: o.get_status_display()),
    ]

    def get_queryset(self):
        _need(self.request, "orgs.view_org")
        return (
            selectors.orgs_visible_to(viewer=self.request.user)
            .select_related("parent")
            .order_by("path")
        )


def _form_page(request, template, form, org, title):
    return render(request, template, {"form": form, "org": org, "title": title})


@login_required
def create_child(request, pk):
    _need(request, "orgs.add_org")
    parent = selectors.org_get_for_viewer(viewer=request.user, org_id=pk, perm="orgs.add_org")
    form = OrgCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已创建“%(name)s”") % {"name": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, "orgs/form.html", form, parent, _("新建下级组织"))


@login_required
def edit(request, pk):
    _need(request, "orgs.change_org")
    org = selectors.org_get_for_viewer(viewer=request.user, org_id=pk, perm="orgs.change_org")
    form = OrgEditForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        fresh = selectors.org_get_for_viewer(viewer=request.user, org_id=pk)
        try:
            services.org_update(actor=request.user, org=fresh, **changes)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已保存"))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, "orgs/form.html", form, org, _("修改组织信息"))


@login_required
def move(request, pk):
    _need(request, "orgs.change_org")
    org = selectors.org_get_for_viewer(viewer=request.user, org_id=pk, perm="orgs.change_org")
    form = OrgMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_parent = selectors.org_get_for_viewer(
                viewer=request.user, org_id=form.cleaned_data["new_parent"], perm="orgs.change_org"
            )
            moved = services.org_move(
                actor=request.user,
                org=org,
                new_parent=new_parent,
                new_code=form.cleaned_data["new_code"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        except Http404:
            form.add_error("new_parent", _("找不到该组织，或它不在您的管理范围内"))
        else:
            messages.success(request, _("已迁移，共 %(n)s 个组织") % {"n": moved})
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, "orgs/form.html", form, org, _("迁移组织"))


@login_required
def close(request, pk):
    _need(request, "orgs.delete_org")
    org = selectors.org_get_for_viewer(viewer=request.user, org_id=pk, perm="orgs.delete_org")
    form = OrgCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_close(actor=request.user, org=org, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已撤销"))
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, "orgs/form.html", form, org, _("撤销组织"))


# --- Excel import: template, dry run, confirm ---------------------------------------

_IMPORT_SESSION_KEY = "org_import_file"


@login_required
def import_template(request):
    _need(request, "orgs.add_org")
    return imports.template_response(importing.build_template(), "org-import-template.xlsx")


@login_required
def import_upload(request):
    """Upload → dry run showing every row's errors; nothing is written yet."""
    _need(request, "orgs.add_org")
    form = OrgImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.check_upload(
            request,
            _IMPORT_SESSION_KEY,
            form.cleaned_data["file"],
            lambda data: importing.parse_workbook(data, actor=request.user),
        )
    return render(
        request, "orgs/import.html", {"title": _("批量导入组织"), "form": form, "result": result}
    )


@require_POST
@login_required
def import_confirm(request):
    _need(request, "orgs.add_org")
    path = imports.take_staged(request, _IMPORT_SESSION_KEY)
    if path is None:
        messages.error(request, _("导入文件已失效（可能已经导入过），请重新上传"))
        return redirect("orgs:import")
    try:
        with path.open("rb") as data:
            created = importing.import_orgs(data, actor=request.user)
    except RowErrors as exc:
        messages.error(request, _("数据已变化，未导入任何数据：%(e)s") % {"e": error_text(exc)})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _("未导入任何数据：%(e)s") % {"e": error_text(exc)})
    else:
        messages.success(request, _("已导入 %(n)s 个组织") % {"n": len(created)})
    finally:
        path.unlink(missing_ok=True)
    return redirect("orgs:import")
