"""People pages: search first, register once, reveal with a log, merge, tags."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fulian.core.errors import error_text
from fulian.core.lists import Column, ListPage
from fulian.orgs.models import OrgStatus
from fulian.orgs.selectors import orgs_visible_to

from . import merging, selectors, services
from .filters import PersonFilter
from .forms import PersonForm, RelationForm, TagAddForm, TagForm
from .models import Person, Tag
from .sections import sections_for


def _need(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _tag_names(person) -> str:
    return "、".join(pt.tag.name for pt in person.person_tags.all())


PERSON_COLUMNS = [
    Column("name", _("姓名"), link=lambda p: reverse("people:detail", args=[p.pk])),
    Column("gender", _("性别"), value=lambda p: p.get_gender_display()),
    Column("id_number", _("身份证号"), masked="id_number"),
    Column("phone", _("联系电话"), masked="phone"),
    Column("birth_date", _("出生日期")),
    Column("org__name", _("所属村（社区）")),
    Column("category", _("人员类别"), value=lambda p: p.get_category_display()),
    Column("tags", _("标签"), value=_tag_names),
]


class PeopleList(ListPage):
    """Search-first: nothing is listed until she searches or filters."""

    title = _("妇女群众档案")
    template_name = "people/person_list.html"
    export_name = "people"
    filterset_class = PersonFilter
    columns = PERSON_COLUMNS

    def get_queryset(self):
        _need(self.request, "people.view_person")
        return selectors.people_with_tags(
            selectors.people_visible_to(viewer=self.request.user).select_related("org")
        )

    def get(self, request, *args, **kwargs):
        if not any(v for k, v in request.GET.items() if k not in {"page", "export"}):
            _need(request, "people.view_person")
            return render(
                request,
                self.template_name,
                {
                    "title": self.title,
                    "search_first": True,
                    "all_tags": Tag.objects.filter(is_active=True),
                },
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Search by ID number or phone: a POST, so the number never enters a URL."""
        _need(request, "people.view_person")
        found = list(
            selectors.people_with_tags(
                selectors.people_search(viewer=request.user, text=request.POST.get("q", ""))
            )[:50]
        )
        if len(found) == 1:
            return redirect("people:detail", pk=found[0].pk)
        rows = [
            [(c.label, c.display(p), c.link(p) if c.link else None) for c in self.columns]
            for p in found
        ]
        return render(
            request,
            self.template_name,
            {
                "title": self.title,
                "columns": self.columns,
                "rows": rows,
                "searched": True,
                "page": None,
            },
        )

    def get_columns(self):
        if self.request.GET.get("unmasked") == "1":
            return [Column(c.key, c.label, c.value, None, c.link) for c in self.columns]
        return self.columns

    def export(self, queryset):
        if self.request.GET.get("unmasked") == "1":
            _need(self.request, "people.export_unmasked_person")
            self.export_masked = False
        return super().export(queryset)


def _org_choices(request, perm="people.add_person"):
    return (
        orgs_visible_to(viewer=request.user, perm=perm)
        .filter(status=OrgStatus.ACTIVE)
        .order_by("path")
    )


def _person_data(cleaned) -> services.PersonData:
    fields = {k: cleaned.get(k) for k in services.PersonData.__dataclass_fields__}
    fields = {
        k: ("" if v is None and k not in {"birth_date", "consent_date"} else v)
        for k, v in fields.items()
    }
    return services.PersonData(**fields)


@login_required
def create(request):
    _need(request, "people.add_person")
    position = request.position
    form = PersonForm(
        request.POST or None,
        orgs=_org_choices(request),
        initial={"org": position.org.pk if position else None},
    )
    similar = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guardian = (
                selectors.person_get_for_viewer(viewer=request.user, person_id=data["guardian"])
                if data.get("guardian")
                else None
            )
            person = services.person_create(
                actor=request.user,
                data=_person_data(data),
                guardian=guardian,
                guardian_kind=data.get("guardian_kind") or "mother",
                tags=data["tags"],
                confirm_not_duplicate=data["confirm_not_duplicate"],
            )
        except Http404:
            form.add_error("guardian", _("找不到该监护人，或其不在您的管理范围内"))
        except services.SimilarPeople as exc:
            similar = exc.candidates
            form.add_error(None, exc.messages[0])
        except services.DuplicatePerson as exc:
            form.add_error("id_number", exc.messages[0])
            similar = [exc.existing] if exc.existing else None
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已登记 %(name)s") % {"name": person.name})
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {"title": _("登记人员"), "form": form, "similar": similar},
    )


def _attach(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def edit(request, pk):
    _need(request, "people.change_person")
    person = selectors.person_get_for_viewer(
        viewer=request.user, person_id=pk, perm="people.change_person"
    )
    initial = {f: getattr(person, f) for f in services.PersonData.__dataclass_fields__}
    form = PersonForm(
        request.POST or None,
        orgs=_org_choices(request, "people.change_person"),
        initial=initial,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        changes = dict(vars(_person_data(form.cleaned_data)).items())
        try:
            services.person_update(actor=request.user, person=person, **changes)
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("已保存"))
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {"title": _("修改人员信息"), "form": form, "person": person},
    )


@login_required
def detail(request, pk):
    _need(request, "people.view_person")
    person = selectors.person_get_for_viewer(viewer=request.user, person_id=pk)
    can_see_reveals = request.user.has_perm("core.view_auditevent") or request.user.has_perm(
        "people.reveal_person"
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "title": person.name,
            "person": person,
            "tags": selectors.person_tags(person),
            "relations": selectors.person_relations(viewer=request.user, person=person),
            "sections": sections_for(person, request.user),
            "reveals": selectors.person_reveals(person=person)[:20] if can_see_reveals else None,
            "tag_form": TagAddForm(),
            "relation_form": RelationForm(),
        },
    )


@require_POST
@login_required
def reveal(request, pk, field):
    """The full value for the htmx "show" button; the reveal is logged first."""
    person = selectors.person_get_for_viewer(viewer=request.user, person_id=pk)
    try:
        value = services.person_reveal(actor=request.user, person=person, field=field)
    except (PermissionDenied, ValidationError) as exc:
        return HttpResponse(error_text(exc), status=403)
    response = render(request, "people/_revealed.html", {"value": value})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def tag_add(request, pk):
    person = selectors.person_get_for_viewer(viewer=request.user, person_id=pk)
    form = TagAddForm(request.POST)
    if form.is_valid():
        try:
            services.person_tag_add(
                actor=request.user,
                person=person,
                tag=form.cleaned_data["tag"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
    return redirect("people:detail", pk=person.pk)


@require_POST
@login_required
def tag_remove(request, pk, tag_id):
    person = selectors.person_get_for_viewer(viewer=request.user, person_id=pk)
    tag = Tag.objects.filter(pk=tag_id).first()
    if tag is None:
        raise Http404
    try:
        services.person_tag_remove(actor=request.user, person=person, tag=tag)
    except PermissionDenied as exc:
        messages.error(request, error_text(exc))
    return redirect("people:detail", pk=person.pk)


@require_POST
@login_required
def relation_add(request, pk):
    person = selectors.person_get_for_viewer(viewer=request.user, person_id=pk)
    form = RelationForm(request.POST)
    if form.is_valid():
        try:
            relative = selectors.person_get_for_viewer(
                viewer=request.user, person_id=form.cleaned_data["relative"]
            )
            services.relation_add(
                actor=request.user,
                person=person,
                relative=relative,
                kind=form.cleaned_data["kind"],
                is_guardian=form.cleaned_data["is_guardian"],
            )
        except Http404:
            messages.error(request, _("找不到该亲属，或其不在您的管理范围内"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
    return redirect("people:detail", pk=person.pk)


@login_required
def merge(request):
    """Pick the survivor and, field by field, which record's value to keep."""
    _need(request, "people.merge_person")
    ids = request.POST if request.method == "POST" else request.GET
    survivor = merged = None
    try:
        if ids.get("survivor") and ids.get("merged"):
            survivor = selectors.person_get_for_viewer(
                viewer=request.user, person_id=ids["survivor"]
            )
            merged = selectors.person_get_for_viewer(viewer=request.user, person_id=ids["merged"])
    except Http404:
        messages.error(request, _("找不到该人员，或其不在您的管理范围内"))
    if request.method == "POST" and survivor and merged and "confirm" in request.POST:
        take = [f for f in merging.MERGEABLE_FIELDS if request.POST.get(f"take_{f}") == "merged"]
        try:
            merging.person_merge(actor=request.user, survivor=survivor, merged=merged, take=take)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已合并，相关记录均已转到保留的人员名下"))
            return redirect("people:detail", pk=survivor.pk)
    rows = []
    if survivor and merged:
        for name in merging.MERGEABLE_FIELDS:
            field = Person._meta.get_field(name)
            rows.append(
                {
                    "name": name,
                    "label": field.verbose_name,
                    "survivor": _shown(survivor, field),
                    "merged": _shown(merged, field),
                }
            )
    return render(
        request,
        "people/merge.html",
        {"title": _("合并重复人员"), "survivor": survivor, "merged": merged, "rows": rows},
    )


def _shown(person, field):
    from fulian.core.masking import mask

    value = getattr(person, field.name)
    mask_kind = getattr(field, "mask", None)
    if mask_kind:
        return mask(mask_kind, value)
    if field.choices:
        return getattr(person, f"get_{field.name}_display")()
    return value if value not in (None, "") else "—"


@require_POST
@login_required
def unmerge(request, event_id):
    _need(request, "people.merge_person")
    from fulian.core.models import AuditEvent

    event = AuditEvent.objects.filter(pk=event_id, verb="person_merge").first()
    if event is None:
        raise Http404
    try:
        person = merging.person_unmerge(actor=request.user, event=event)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("people:list")
    messages.success(request, _("已撤销合并"))
    return redirect("people:detail", pk=person.pk)


@login_required
def tags(request):
    _need(request, "people.view_tag")
    form = TagForm(request.POST or None)
    if request.method == "POST":
        _need(request, "people.add_tag")
        if form.is_valid():
            try:
                services.tag_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("已保存"))
                return redirect("people:tags")
    return render(
        request,
        "people/tags.html",
        {"title": _("标签字典"), "form": form, "tags": Tag.objects.all()},
    )
