from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from orders.countries import COUNTRIES


class User(AbstractUser):
    """The shop's user. Our own model from the start, so fields can be added without pain;
    shoppers sign in with their email address (allauth)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Address(models.Model):
    """A saved shipping address. At most one is the default, which prefills checkout."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="addresses", on_delete=models.CASCADE
    )
    name = models.CharField("Full name", max_length=200)
    line1 = models.CharField("Address", max_length=200)
    line2 = models.CharField("Apartment, suite (optional)", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postcode = models.CharField("Postcode / ZIP", max_length=20)
    region = models.CharField("State / province (optional)", max_length=100, blank=True)
    country = models.CharField(max_length=2, choices=COUNTRIES)
    phone = models.CharField("Phone (optional)", max_length=40, blank=True)
    is_default = models.BooleanField("Use this address by default", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="one_default_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.line1}, {self.city}"

    FIELDS = ("name", "line1", "line2", "city", "postcode", "region", "country", "phone")

    def as_checkout(self) -> dict:
        return {field: getattr(self, field) for field in self.FIELDS}
