"""The inbox: every open task from every module, acted on without leaving the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fulian.accounts.models import User
from fulian.accounts.scope import current_positions
from fulian.core.errors import error_text

from . import engine, selectors
from .models import Action, ProcessState, Task

INBOX_PAGE = 50


def _position(request):
    wanted = request.GET.get("post")
    return next((p for p in current_positions(request.user) if str(p.pk) == wanted), None)


@login_required
def inbox(request):
    tab = request.GET.get("tab", "open")
    position = _position(request)
    if tab == "done":
        tasks = selectors.inbox_done(user=request.user)
    else:
        tasks = selectors.inbox_open(user=request.user, position=position)
    page = Paginator(tasks, INBOX_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/inbox.html",
        {
            "title": _("待办事项"),
            "tab": tab,
            "page": page,
            "position": position,
            "positions": current_positions(request.user),
            "open_count": selectors.inbox_open(user=request.user).count(),
        },
    )


@require_POST
@login_required
def task_act(request, pk):
    """htmx: act on one task and answer with its updated card."""
    task = selectors.task_for_actor(user=request.user, task_id=pk)
    action = request.POST.get("action", "")
    target = None
    if action in (Action.TRANSFER, Action.COUNTERSIGN):
        target = User.objects.filter(
            username=request.POST.get("target", "").strip(), is_active=True
        ).first()
    error = None
    try:
        if action == Action.CLAIM:
            engine.claim(task=task, actor=request.user)
        elif action in Action.values:
            engine.act(
                task=task,
                actor=request.user,
                action=action,
                comment=request.POST.get("comment", ""),
                target=target,
            )
        else:
            raise ValidationError(_("未知的操作"))
    except (ValidationError, PermissionDenied) as exc:
        error = error_text(exc)
    task = Task.objects.select_related(
        "instance", "instance__started_by", "sender", "assignee", "acted_by"
    ).get(pk=task.pk)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("workflow:inbox")
    return render(
        request, "workflow/_task_card.html", {"task": task, "error": error, "acted": not error}
    )


@login_required
def process_detail(request, pk):
    instance = selectors.process_for_viewer(user=request.user, instance_id=pk)
    return render(
        request,
        "workflow/process.html",
        {
            "title": instance.title,
            "instance": instance,
            "log": instance.log.select_related("actor", "on_behalf_of", "task"),
            "open_tasks": instance.tasks.filter(state="open").select_related("assignee"),
            "is_starter": instance.started_by_id == request.user.pk,
            "states": ProcessState,
        },
    )


@require_POST
@login_required
def process_action(request, pk, action):
    instance = selectors.process_for_viewer(user=request.user, instance_id=pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "withdraw":
            engine.withdraw(instance=instance, actor=request.user, comment=comment)
            messages.success(request, _("已撤回"))
        elif action == "resubmit":
            engine.resubmit(instance=instance, actor=request.user, comment=comment)
            messages.success(request, _("已重新提交"))
        elif action == "urge":
            for task in instance.tasks.filter(state="open"):
                engine.urge(task=task, actor=request.user, comment=comment)
            messages.success(request, _("已催办"))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("workflow:process", pk=instance.pk)


@login_required
def delegations(request):
    if request.method == "POST":
        to = User.objects.filter(
            username=request.POST.get("delegate", "").strip(), is_active=True
        ).first()
        start, end = (
            parse_date(request.POST.get("start_date", "")),
            parse_date(request.POST.get("end_date", "")),
        )
        try:
            if to is None or start is None or end is None:
                raise ValidationError(_("请填写受托人账号和起止日期（YYYY-MM-DD）"))
            engine.delegate(
                actor=request.user,
                to=to,
                start_date=start,
                end_date=end,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已委托 %(name)s 代为办理") % {"name": to.display_name})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("workflow:delegations")
    return render(
        request,
        "workflow/delegations.html",
        {
            "title": _("委托办理"),
            "given": request.user.delegations_given.select_related("delegate").order_by(
                "-start_date"
            ),
            "taken": request.user.delegations_taken.select_related("delegator").order_by(
                "-start_date"
            ),
        },
    )
