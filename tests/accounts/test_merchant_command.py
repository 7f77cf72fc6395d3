import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_make_admin_creates_a_merchant_who_signs_in_and_is_sent_to_set_up_two_factor(client):
    call_command("create_merchant", "--email", "Owner@Example.com", "--password", "a-long-pass-99")

    user = User.objects.get(email="owner@example.com")
    assert user.is_staff and user.is_superuser
    assert EmailAddress.objects.get(user=user).verified
    client.post(
        reverse("account_login"), {"login": "owner@example.com", "password": "a-long-pass-99"}
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize(
    "email, password, message",
    [
        ("not-an-email", "a-long-pass-99", "is not an email address"),
        ("owner@example.com", "123", "too short"),
    ],
)
def test_bad_merchant_details_are_refused(email, password, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_merchant", "--email", email, "--password", password)
    assert not User.objects.exists()


def test_the_cart_never_redirects_off_site(client):
    from tests.factories import VariantFactory

    variant = VariantFactory()
    for target in ["https://evil.example/", "//evil.example/"]:
        response = client.post(
            reverse("cart:add"), {"variant": variant.pk, "quantity": 1, "next": target}
        )
        assert response.status_code == 302 and "evil.example" not in response.url
