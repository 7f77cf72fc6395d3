"""Shoppers' reviews of products, the merchant's decisions on them, and helpful votes.

The rules the database keeps: one review per shopper and product (a signed-in shopper by
account, a guest writing from the email link by the order's address), a rating from 1 to 5,
one helpful vote per shopper and review. The verified-buyer badge is `verified_line`: the
delivered order line of this product the review was written from (reviews/services.py sets
it, and only then)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
TEXT_MAX = 5000
NAME_MAX = 60
REASON_MAX = 500
REPLY_MAX = 2000


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Not published")

    product = models.ForeignKey("catalog.Product", related_name="+", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="reviews",
        on_delete=models.CASCADE,
    )
    # A guest's review (from the email link) is theirs by the order's address; lowercased.
    email = models.EmailField(blank=True, help_text=_("Never shown to anyone."))
    verified_line = models.ForeignKey(
        "orders.OrderLine",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text=_("The delivered order line it was written from: the verified-buyer badge."),
    )
    author_name = models.CharField(
        max_length=NAME_MAX, blank=True, help_text=_("As shown; empty shows “A shopper”.")
    )
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    text = models.TextField(max_length=TEXT_MAX)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rejection_reason = models.CharField(
        max_length=REASON_MAX, blank=True, help_text=_("Shown to the author.")
    )
    moderated_by = models.CharField(max_length=200, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(max_length=REPLY_MAX, blank=True, help_text=_("Shown publicly."))
    replied_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    language = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["product", "status", "-created_at"], name="review_newest"),
            models.Index(
                fields=["product", "status", "-helpful_count", "-created_at"],
                name="review_most_helpful",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="review_has_an_author"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="review_rejected_with_a_reason",
            ),
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(user__isnull=False),
                name="one_review_per_user_and_product",
            ),
            models.UniqueConstraint(
                fields=["email", "product"],
                condition=Q(user__isnull=True),
                name="one_review_per_guest_and_product",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"

    @property
    def is_verified(self) -> bool:
        return self.verified_line_id is not None

    @property
    def shown_name(self) -> str:
        return self.author_name or str(_("A shopper"))

    @property
    def rating_percent(self) -> int:
        return self.rating * 20


class HelpfulVote(models.Model):
    """A signed-in shopper found a review helpful; once per shopper and review."""

    review = models.ForeignKey(Review, related_name="votes", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_vote_per_user_and_review")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} found review {self.review_id} helpful"
