from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The shop's user. Our own model from the start, so fields can be added without pain;
    shoppers sign in with their email address (allauth)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
