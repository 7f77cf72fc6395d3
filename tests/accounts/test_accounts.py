import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import make_cart, place
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_use_the_shop_layout(client, name):
    response = client.get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in body and "account-box" in body


def test_signup_signs_in_and_shows_my_orders(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert User.objects.filter(email="new@example.com").exists()
    assert client.get(reverse("accounts:orders")).status_code == 200


def test_login_logout_and_wrong_password(client):
    user = UserFactory(email="shopper@example.com")

    wrong = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert wrong.status_code == 200
    assert "not correct" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )
    assert client.session["_auth_user_id"] == str(user.pk)

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_works(client, mailoutbox):
    user = UserFactory(email="forgetful@example.com")
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link, mailoutbox[0].body

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"password1": "brand-new-secret-77", "password2": "brand-new-secret-77"},
    )

    user.refresh_from_db()
    assert user.check_password("brand-new-secret-77")


def test_my_orders_lists_only_my_orders(client, shipping_method):
    me, other = UserFactory(), UserFactory()
    mine = place(make_cart((VariantFactory(), 1)), shipping_method, user=me)
    theirs = place(make_cart((VariantFactory(), 1)), shipping_method, user=other)
    client.force_login(me)

    body = client.get(reverse("accounts:orders")).content.decode()

    assert mine.number in body and theirs.number not in body
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_my_orders_needs_a_sign_in(client):
    response = client.get(reverse("accounts:orders"))
    assert response.status_code == 302 and reverse("account_login") in response.url
