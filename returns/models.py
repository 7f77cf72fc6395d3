"""Returns and exchanges: what a shopper asked to send back, what the merchant decided, what
arrived and whether it can be sold again, and what was given back for it.

The life of a return, in one table (TRANSITIONS, ReturnRequest.move_to), as for orders:
requested -> approved | declined; approved -> received | closed; received -> refunded | closed;
refunded -> closed. A return is "open" until declined, refunded or closed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

MONEY = {"max_digits": 14, "decimal_places": 3, "default_currency": settings.SHOP_CURRENCY}


class ReturnReason(models.Model):
    """Why a shopper sends something back, from the merchant's own list."""

    name = models.CharField(_("reason"), max_length=120)
    needs_photos = models.BooleanField(
        _("asks for photos"),
        default=False,
        help_text=_("The shopper must add a photo (for example: arrived damaged)."),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveIntegerField(default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")

    def __str__(self) -> str:
        return self.name


class ReturnRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        RECEIVED = "received", _("Received")
        REFUNDED = "refunded", _("Refunded")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        EXCHANGE = "exchange", _("Exchange")

    order = models.ForeignKey("orders.Order", related_name="returns", on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REFUND)
    reason = models.ForeignKey(
        ReturnReason, verbose_name=_("reason"), related_name="+", on_delete=models.PROTECT
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    instructions = models.TextField(
        _("instructions"), blank=True, help_text=_("How to send it back (shown to the shopper).")
    )
    label_url = models.URLField(_("return label link"), max_length=500, blank=True)
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    # Staff started it past the window or for a final-sale item (logged with who).
    rules_overridden = models.BooleanField(_("rules overridden"), default=False)
    overridden_by = models.CharField(max_length=200, blank=True)
    requested_by = models.CharField(max_length=200, blank=True)
    # The refund: shipping too if the merchant chose so; what was given back; the last error.
    refund_shipping = models.BooleanField(default=False)
    refunded_amount = MoneyField(**MONEY, null=True, blank=True)
    refund_attempt = models.PositiveIntegerField(default=1, editable=False)
    refund_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    refund_error = models.TextField(blank=True)
    # An exchange: what the replacements cost more (> 0, the shopper pays through a link) or
    # less (< 0, refunded) than what is sent back; the replacement's shipment.
    price_difference = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    difference_payment_intent = models.CharField(max_length=255, blank=True)
    replacement_carrier = models.CharField(max_length=100, blank=True)
    replacement_tracking_number = models.CharField(max_length=100, blank=True)
    replacement_shipped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Return {self.pk} of order {self.order_id} ({self.status})"

    @property
    def number(self) -> str:
        return f"R{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())

    def move_to(self, status: str) -> None:
        """Set the next status; the caller saves. A step the table does not allow is a bug
        or a race the service did not check for."""
        if not self.can_move_to(status):
            raise ValueError(f"Return {self.pk} cannot go from {self.status} to {status}.")
        self.status = status

    def idempotency_key(self) -> str:
        """The refund's key: one per attempt, a new attempt only after a failed one."""
        return f"return-{self.pk}-refund-{self.refund_attempt}"


S = ReturnRequest.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.DECLINED}),
    S.APPROVED: frozenset({S.RECEIVED, S.CLOSED}),
    S.DECLINED: frozenset(),
    S.RECEIVED: frozenset({S.REFUNDED, S.CLOSED}),
    S.REFUNDED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
OPEN = frozenset({S.REQUESTED, S.APPROVED, S.RECEIVED})


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey("orders.OrderLine", related_name="+", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("units asked"))
    quantity_received = models.PositiveIntegerField(_("units received"), null=True, blank=True)
    quantity_sellable = models.PositiveIntegerField(_("units sellable"), default=0)
    # Set in the receipt's transaction when the sellable units went back on the shelf.
    restocked = models.BooleanField(default=False, editable=False)
    replacement_variant = models.ForeignKey(
        "catalog.Variant",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        verbose_name=_("replacement"),
    )
    replacement_held = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_positive"),
            models.CheckConstraint(
                condition=Q(quantity_received__isnull=True)
                | Q(quantity_received__lte=F("quantity")),
                name="return_line_received_within_asked",
            ),
            models.CheckConstraint(
                condition=Q(quantity_sellable=0) | Q(quantity_sellable__lte=F("quantity_received")),
                name="return_line_sellable_within_received",
            ),
            models.UniqueConstraint(
                fields=["request", "order_line"], name="one_return_line_per_order_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of order line {self.order_line_id}"

    @property
    def units_held(self) -> int:
        """The order line's units this line keeps from other returns (and from refunds of the
        order's own: those count in OrderLine.refunded_quantity once refunded)."""
        status = self.request.status
        if status in (S.REQUESTED, S.APPROVED):
            return self.quantity
        if status == S.RECEIVED:
            return self.quantity_received or 0
        if self.request.kind == ReturnRequest.Kind.EXCHANGE and self.request.received_at:
            return self.quantity_received or 0
        return 0  # declined; refunded (in refunded_quantity); closed unreceived


class ReturnPhoto(models.Model):
    """A photo the shopper sent (re-encoded, metadata stripped: returns/photos.py)."""

    request = models.ForeignKey(ReturnRequest, related_name="photos", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="returns/")
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name
