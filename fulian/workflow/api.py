"""The inbox API: the same tasks as the page, and acting on them."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fulian.accounts.models import User

from . import engine, selectors
from .models import Action, Task


class TaskSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="instance.title", read_only=True)
    process = serializers.IntegerField(source="instance_id", read_only=True)
    sender_name = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "process",
            "subject",
            "step_name",
            "sender_name",
            "created_at",
            "due_date",
            "overdue",
            "state",
            "action",
            "comment",
            "completed_at",
        ]

    def get_sender_name(self, task) -> str:
        sender = task.sender or task.instance.started_by
        return sender.display_name


class ActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[
            Action.APPROVE,
            Action.RETURN,
            Action.REJECT,
            Action.TRANSFER,
            Action.COUNTERSIGN,
            Action.CLAIM,
        ]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    target = serializers.CharField(
        required=False, allow_blank=True, help_text="转办/加签对象的账号"
    )


class InboxViewSet(viewsets.ReadOnlyModelViewSet):
    """Her open tasks from every module (待办), or ?tab=done (已办)."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Task.objects.none()
        if self.request.query_params.get("tab") == "done" and self.action == "list":
            return selectors.inbox_done(user=self.request.user)
        return selectors.inbox_open(user=self.request.user)

    @extend_schema(parameters=[OpenApiParameter("tab", str, enum=["open", "done"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ActSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        task = self.get_object()
        incoming = ActSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        target = None
        if data.get("target"):
            target = User.objects.filter(username=data["target"], is_active=True).first()
        try:
            if data["action"] == Action.CLAIM:
                engine.claim(task=task, actor=request.user)
            else:
                engine.act(
                    task=task,
                    actor=request.user,
                    action=data["action"],
                    comment=data["comment"],
                    target=target,
                )
        except engine.WorkflowConflict as exc:
            raise exceptions.ValidationError({"detail": exc.messages}, code="conflict") from exc
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        task.refresh_from_db()
        return Response(TaskSerializer(task).data)
