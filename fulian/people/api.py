"""People API: masked by default; full values only through the logged reveal action."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fulian.core.api import HasModelPermission, ScopedLookupMixin
from fulian.core.masking import mask_id_number, mask_phone
from fulian.orgs.selectors import org_get_for_viewer

from . import selectors, services
from .models import Category, Education, Gender, LegalBasis, Person


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text="脱敏后的身份证号")
    phone = serializers.SerializerMethodField(help_text="脱敏后的电话")
    org_name = serializers.CharField(source="org.name", read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "category",
            "id_number",
            "phone",
            "birth_date",
            "ethnicity",
            "education",
            "org",
            "org_name",
            "address",
            "tags",
            "legal_basis",
            "consent_date",
            "status",
            "created_at",
        ]

    def get_id_number(self, person) -> str:
        return mask_id_number(person.id_number)

    def get_phone(self, person) -> str:
        return mask_phone(person.phone)

    def get_tags(self, person) -> list[str]:
        return [pt.tag.name for pt in person.person_tags.all()]


class PersonCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    org = serializers.IntegerField()
    gender = serializers.ChoiceField(choices=Gender.choices, default=Gender.FEMALE)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.WOMAN)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    ethnicity = serializers.CharField(max_length=20, required=False, default="汉族")
    education = serializers.ChoiceField(choices=Education.choices, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    household_notes = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, default=LegalBasis.STATUTORY)
    consent_date = serializers.DateField(required=False, allow_null=True)
    consent_scope = serializers.CharField(max_length=200, required=False, allow_blank=True)
    guardian = serializers.IntegerField(required=False, allow_null=True)
    confirm_not_duplicate = serializers.BooleanField(default=False)


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=sorted(services.REVEALABLE))


def _validation_detail(exc: ValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


class PersonViewSet(ScopedLookupMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """People in the caller's scope, masked. Search with POST /people/search/."""

    serializer_class = PersonSerializer
    permission_classes = [HasModelPermission]
    required_perm = "people.view_person"
    filterset_fields = ["org", "category", "gender"]

    def get_queryset(self):
        return selectors.people_with_tags(
            selectors.people_visible_to(viewer=self.request.user).select_related("org")
        ).order_by("id")

    @extend_schema(request=PersonCreateSerializer, responses={201: PersonSerializer})
    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("people.add_person"):
            raise exceptions.PermissionDenied
        incoming = PersonCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        guardian_id = data.pop("guardian", None)
        confirm = data.pop("confirm_not_duplicate")
        try:
            data["org"] = org_get_for_viewer(
                viewer=request.user, org_id=data["org"], perm="people.add_person"
            )
            guardian = (
                selectors.person_get_for_viewer(viewer=request.user, person_id=guardian_id)
                if guardian_id
                else None
            )
            person = services.person_create(
                actor=request.user,
                data=services.PersonData(**data),
                guardian=guardian,
                confirm_not_duplicate=confirm,
            )
        except Http404 as exc:
            raise exceptions.ValidationError(
                {"detail": ["组织或监护人不存在或不在您的管理范围内"]}
            ) from exc
        except services.DuplicatePerson as exc:
            body = {"detail": exc.messages[0]}
            if exc.existing is not None:
                body["existing"] = exc.existing.pk
            return Response(body, status=status.HTTP_409_CONFLICT)
        except services.SimilarPeople as exc:
            return Response(
                {"detail": exc.messages[0], "candidates": [p.pk for p in exc.candidates]},
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(_validation_detail(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer("PersonSearch", {"q": serializers.CharField()}),
        responses=PersonSerializer(many=True),
    )
    @action(detail=False, methods=["post"])
    def search(self, request):
        """By ID number, phone or name; in the body, so no number lands in a URL or log."""
        found = selectors.people_with_tags(
            selectors.people_search(viewer=request.user, text=str(request.data.get("q", "")))
        )[:50]
        return Response(PersonSerializer(found, many=True).data)

    @extend_schema(
        request=RevealSerializer,
        responses=inline_serializer(
            "Revealed", {"field": serializers.CharField(), "value": serializers.CharField()}
        ),
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full value of one field; the reveal is written to the audit trail."""
        person = self.get_object()
        incoming = RevealSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        field = incoming.validated_data["field"]
        try:
            value = services.person_reveal(actor=request.user, person=person, field=field)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        response = Response({"field": field, "value": value})
        response["Cache-Control"] = "no-store"
        return response
