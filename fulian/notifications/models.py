"""A notification: one message to one user, shown in the app and sent on other channels."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    APP = "app", _("站内")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


# Channels delivered by the background task; the in-app row exists for every message.
EXTERNAL_CHANNELS = (Channel.SMS, Channel.EMAIL)

# Values of ``Notification.delivery[channel]``; a failure or skip carries its reason
# after the colon ("failed: 网关超时", "skipped: no mobile").
PENDING = "pending"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        # The (recipient, read_at, created_at) index below serves every lookup by recipient.
        db_index=False,
    )
    kind = models.SlugField(_("类型"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The template fields as text: SMS providers send approved templates with parameters.
    context = models.JSONField(_("模板参数"), default=dict, blank=True)
    channels = models.JSONField(_("发送渠道"), default=list, blank=True)
    delivery = models.JSONField(_("发送状态"), default=dict, blank=True)

    # A notification belongs to no org: under the data scope only its recipient sees it
    # (selectors go further and filter on the recipient for everyone, leaders included).
    scope_org_field = None
    scope_owner_field = "recipient"

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell's unread count and the list both start from (recipient, read_at).
            models.Index(
                fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
