from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders import regions
from orders.countries import COUNTRIES


class UserManager(BaseUserManager):
    """Users are found and created by email: the shop has no user names."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """The shop's user, known by their email address alone (allauth signs them in with it).

    Our own model from the start, so fields can be added without pain."""

    username = None
    email = models.EmailField("email address", unique=True)
    # The shop's language this shopper chose (the switcher, or the language they signed up
    # in); account emails are written in it. Blank: the shop's default.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


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
    region = models.CharField(
        "State / province",
        max_length=100,
        blank=True,
        help_text=_("An ISO 3166-2 code, e.g. US-NY."),
    )
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

    @property
    def region_name(self) -> str:
        return regions.name_of(self.region)

    def as_checkout(self) -> dict:
        return {field: getattr(self, field) for field in self.FIELDS}
