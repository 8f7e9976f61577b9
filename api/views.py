"""The /api/v1/ endpoints: thin doors into the same services as the web pages."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from companies.roles import Capability, role_can
from integrations import label_services
from integrations import services as integration_services
from integrations.labels import LabelError
from integrations.models import Reservation
from purchase_orders import services as po_services
from purchase_orders.models import (
    BoxType,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
)
from vendors.forms import company_has_cargo_master
from vendors.models import Vendor

from . import filters
from .access import Caller, Scope, caller_of
from .exceptions import Conflict
from .models import Access, Resource
from .renderers import PdfRenderer
from .serializers import (
    BoxTypeSerializer,
    ProductSerializer,
    PurchaseOrderIdsSerializer,
    PurchaseOrderSerializer,
    PurchaseOrderWriteSerializer,
    ReservationSerializer,
    SendResultSerializer,
    VendorSerializer,
    line_inputs,
)

logger = logging.getLogger(__name__)

ID = r"[0-9]+"


class CompanyViewSet(viewsets.GenericViewSet):
    """Every record comes from the caller's company; others' ids are 404."""

    lookup_value_regex = ID

    @property
    def caller(self) -> Caller:
        return caller_of(self.request)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return context | {"company": self.caller.company}

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.queryset.filter(company=self.caller.company)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([AllowAny])
def not_found(request: Request) -> Response:
    raise NotFound("No such address in the API.")


# Vendors ---------------------------------------------------------------------


class VendorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CompanyViewSet,
):
    """Setup > Vendors: the farms the company buys from."""

    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.VendorFilter
    read_scope = Scope(Resource.VENDORS, Access.READ, Capability.VIEW)
    write_scope = Scope(Resource.VENDORS, Access.WRITE, Capability.MANAGE_VENDORS)

    def perform_create(self, serializer: VendorSerializer) -> None:
        self._guard_cargo_master_code(serializer, current="")
        self._save(serializer, company=self.caller.company)

    def perform_update(self, serializer: VendorSerializer) -> None:
        self._guard_cargo_master_code(
            serializer, current=serializer.instance.cargo_master_code
        )
        self._save(serializer)

    def _guard_cargo_master_code(self, serializer, *, current: str) -> None:
        """As in the Vendor Information window: only administrators set the code,
        and only once the company is linked with Cargo Master. Sending back the
        value a GET returned is always fine."""
        code = serializer.validated_data.get("cargo_master_code", current)
        if code == current:
            return
        caller = self.caller
        allowed = caller.token is not None or role_can(
            caller.role, Capability.SET_CARGO_MASTER_CODES
        )
        if not allowed:
            raise PermissionDenied("Only administrators may set the Cargo Master code.")
        if not company_has_cargo_master(caller.company):
            raise ValidationError(
                {
                    "cargo_master_code": [
                        "Link the company with Cargo Master before setting "
                        "vendors' Cargo Master codes."
                    ]
                }
            )

    def _save(self, serializer: VendorSerializer, **extra) -> None:
        try:
            with transaction.atomic():
                serializer.save(**extra)
        except IntegrityError:
            # Another request saved the same code between our check and our insert.
            code = serializer.validated_data.get("code")
            raise ValidationError(
                {"code": [f"A vendor with code {code} already exists."]}
            ) from None


# Catalog ---------------------------------------------------------------------


class CatalogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    # Box types and products are kept in the operations admin; the API reads them.
    read_scope = Scope(Resource.CATALOG, Access.READ, Capability.VIEW)
    write_scope = read_scope


class BoxTypeViewSet(CatalogViewSet):
    """Box sizes and their full-box equivalent (FBE)."""

    queryset = BoxType.objects.all()
    serializer_class = BoxTypeSerializer


class ProductViewSet(CatalogViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer


# Purchase orders -------------------------------------------------------------

PO_WRITE = Scope(
    Resource.PURCHASE_ORDERS, Access.WRITE, Capability.MANAGE_PURCHASE_ORDERS
)


@extend_schema_view(
    create=extend_schema(
        request=PurchaseOrderWriteSerializer,
        responses={201: PurchaseOrderSerializer},
    ),
    update=extend_schema(
        request=PurchaseOrderWriteSerializer,
        responses={200: PurchaseOrderSerializer},
    ),
    partial_update=extend_schema(
        request=PurchaseOrderWriteSerializer(partial=True),
        responses={200: PurchaseOrderSerializer},
    ),
)
class PurchaseOrderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet
):
    """Purchase orders with their lines; writes go through purchase_orders.services
    exactly as the PO pages do."""

    queryset = PurchaseOrder.objects.all()
    serializer_class = PurchaseOrderSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.PurchaseOrderFilter
    read_scope = Scope(Resource.PURCHASE_ORDERS, Access.READ, Capability.VIEW)
    write_scope = PO_WRITE
    scopes = {
        "labels": Scope(Resource.LABELS, Access.READ, Capability.PRINT_LABELS),
    }

    def get_queryset(self) -> QuerySet:
        lines = PurchaseOrderLine.objects.select_related("box_type", "product")
        return (
            super()
            .get_queryset()
            .order_by("-number")
            .prefetch_related(Prefetch("lines", queryset=lines), "reservations")
        )

    def create(self, request: Request) -> Response:
        serializer = self._write_serializer(request.data)
        data = serializer.validated_data
        try:
            purchase_order = po_services.purchase_order_create(
                company=self.caller.company,
                vendor=data["vendor"],
                ship_date=data["ship_date"],
                lines=line_inputs(data["lines"]),
                created_by=self.caller.user,
                notes=data["notes"],
                reference=data["reference"],
            )
        except IntegrityError:
            # Another request took the same reference after our check.
            raise ValidationError(
                {"reference": ["Another PO already has this reference."]}
            ) from None
        return self._answer(purchase_order, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        purchase_order = self.get_object()
        serializer = self._write_serializer(
            request.data, partial=partial, purchase_order=purchase_order
        )
        data = serializer.validated_data
        if "lines" in data:
            lines = line_inputs(data["lines"])
        else:
            lines = [
                po_services.LineInput.of(line) for line in purchase_order.lines.all()
            ]
        try:
            po_services.purchase_order_update(
                purchase_order=purchase_order,
                vendor=data.get("vendor", purchase_order.vendor),
                ship_date=data.get("ship_date", purchase_order.ship_date),
                notes=data.get("notes", purchase_order.notes),
                lines=lines,
            )
        except po_services.PurchaseOrderError as error:
            raise Conflict(str(error)) from None
        return self._answer(purchase_order)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(
        operation_id="purchase_orders_send",
        request=None,
        responses={200: PurchaseOrderSerializer},
    )
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        """Send a draft PO to its vendor (e-mail), as the Send PO button does."""
        purchase_order = self.get_object()
        if not self._send([purchase_order.pk]).sent:
            purchase_order.refresh_from_db()
            raise Conflict(
                f"PO {purchase_order.number} is "
                f"{purchase_order.get_status_display()}: only draft POs are sent."
            )
        return self._answer(purchase_order)

    @extend_schema(
        operation_id="purchase_orders_send_many",
        request=PurchaseOrderIdsSerializer,
        responses={200: SendResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="send")
    def send_many(self, request: Request) -> Response:
        """Send several POs at once; POs that are not drafts are left as they are.

        Any id that is not one of the company's POs makes the whole call a 404,
        and nothing is sent.
        """
        serializer = PurchaseOrderIdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = sorted(set(serializer.validated_data["ids"]))
        if self.get_queryset().filter(pk__in=ids).count() != len(ids):
            raise NotFound("No such purchase order.")

        sent = self._send(ids)
        result = {
            "sent": sorted(po.pk for po in sent.sent),
            "skipped": sorted(po.pk for po in sent.left),
        }
        return Response(SendResultSerializer(result).data)

    @extend_schema(
        operation_id="purchase_orders_cancel",
        request=None,
        responses={200: PurchaseOrderSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel the PO; a sent one's reservation at Cargo Master is cancelled too."""
        purchase_order = self.get_object()
        try:
            po_services.purchase_order_cancel(purchase_order=purchase_order)
        except po_services.PurchaseOrderError as error:
            raise Conflict(str(error)) from None
        return self._answer(purchase_order)

    @extend_schema(
        operation_id="purchase_orders_labels",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description=(
            "The PO's box labels as a PDF, one label per box, from the reservation "
            "Cargo Master confirmed; as Generate Labels on the web, each print is "
            "recorded and a reprint is marked R. 409 says why there are none."
        ),
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def labels(self, request: Request, pk: str) -> HttpResponse:
        purchase_order = self.get_object()
        try:
            run = label_services.labels_print(
                company=self.caller.company,
                purchase_order_ids=[purchase_order.pk],
                user=self.caller.user,
                allow_partial=False,
            )
        except (label_services.LabelsUnavailable, LabelError) as error:
            raise Conflict(str(error)) from None
        if run.pdf is None:
            reasons = " ".join(
                f"PO {number} has no labels: {why}"
                for number, why in sorted(run.skipped.items())
            )
            raise Conflict(reasons or "No labels were printed.")

        response = HttpResponse(run.pdf, content_type="application/pdf")
        name = f"labels-po-{purchase_order.number}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response

    def _write_serializer(
        self,
        data,
        *,
        partial: bool = False,
        purchase_order: PurchaseOrder | None = None,
    ) -> PurchaseOrderWriteSerializer:
        context = self.get_serializer_context() | {"purchase_order": purchase_order}
        serializer = PurchaseOrderWriteSerializer(
            data=data, partial=partial, context=context
        )
        serializer.is_valid(raise_exception=True)
        return serializer

    def _send(self, ids: list[int]) -> po_services.SendResult:
        try:
            return po_services.purchase_orders_send(
                company=self.caller.company, ids=ids, user=self.caller.user
            )
        except po_services.PurchaseOrderError as error:
            raise Conflict(str(error)) from None

    def _answer(
        self, purchase_order: PurchaseOrder, code: int = status.HTTP_200_OK
    ) -> Response:
        fresh = self.get_queryset().get(pk=purchase_order.pk)
        return Response(self.get_serializer(fresh).data, status=code)


# Reservations ----------------------------------------------------------------


class ReservationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet
):
    """Reservations at Cargo Master, newest first."""

    queryset = Reservation.objects.select_related("purchase_order")
    serializer_class = ReservationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ReservationFilter
    read_scope = Scope(Resource.RESERVATIONS, Access.READ, Capability.VIEW)
    write_scope = Scope(
        Resource.RESERVATIONS, Access.WRITE, Capability.OPERATE_RESERVATIONS
    )

    @extend_schema(
        operation_id="reservations_retry",
        request=None,
        responses={200: ReservationSerializer},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        """Try a failed or held reservation again, as operations staff do."""
        reservation = self.get_object()
        if reservation.status not in integration_services.RETRYABLE:
            raise Conflict(
                f"Reservation {reservation.pk} is "
                f"{reservation.get_status_display()}: only failed or held "
                "reservations are retried."
            )
        integration_services.reservations_retry(reservation_ids=[reservation.pk])
        reservation.refresh_from_db()
        return Response(self.get_serializer(reservation).data)
