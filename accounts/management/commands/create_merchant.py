import getpass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create a merchant (staff superuser) who signs in with their email. The admin asks "
        "them to set up an authenticator app on their first visit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email")
        parser.add_argument(
            "--password", help="for scripts; without it the password is asked for, unseen"
        )

    def handle(self, *args, email=None, password=None, **options):
        email = (email or input("Email: ")).strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        User = get_user_model()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"There is already an account for {email}.")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user = User(email=email, is_staff=True, is_superuser=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            user.set_password(password)
            user.save()
            # Created by whoever runs the server: the address needs no confirmation email.
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Merchant {email} created. Sign in at /{self._admin()}; you will be asked to "
                "set up an authenticator app first."
            )
        )

    def _admin(self):
        from django.conf import settings

        return settings.ADMIN_URL
