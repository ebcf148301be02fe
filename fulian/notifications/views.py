"""Her notifications: the list, opening one (read, then on to its page), all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services

PAGE_SIZE = 20


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.notifications_visible_to(viewer=request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "title": _("通知"),
            "page": page,
            "unread_only": unread_only,
            "querystring": "unread=1" if unread_only else "",
        },
    )


@login_required
def notification_open(request, pk):
    """Opening marks it read and goes on to its page; without a safe link, shows it here."""
    notification = selectors.notification_get_for_viewer(viewer=request.user, notification_id=pk)
    services.mark_read(actor=request.user, notification=notification)
    # Checked again on the way out, not only when stored: never an open redirect.
    if services.is_safe_link(notification.link):
        return HttpResponseRedirect(notification.link)
    return render(
        request,
        "notifications/notification_detail.html",
        {"title": notification.title, "notification": notification},
    )


@require_POST
@login_required
def notification_read_all(request):
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("已将 %(count)d 条通知标为已读") % {"count": count})
    return redirect("notifications:list")
