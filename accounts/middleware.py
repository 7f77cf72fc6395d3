"""Staff reach the admin only with two-factor authentication set up, and read it in their
language."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from shop.languages import supported

# The admin page a staff member was on their way to when sent to set up two-factor
# authentication: allauth's steps (confirm the password, scan, see the recovery codes) do not
# carry a `next`, so it waits in the session and the last step offers the way back.
SETUP_NEXT = "mfa_setup_next"


class StaffNeedMFAMiddleware:
    """A staff member without an authenticator app who opens the admin is sent to set one up
    first, and brought back to the admin page they opened once it is done. (Signing in is
    allauth's: with TOTP set up, it asks for the code.)"""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        user = getattr(request, "user", None)
        staff = user is not None and user.is_authenticated and user.is_staff
        if staff and request.path.startswith(self.prefix):
            if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
                messages.warning(
                    request,
                    _(
                        "Set up two-factor authentication with an authenticator app before "
                        "you use the admin."
                    ),
                )
                request.session[SETUP_NEXT] = request.get_full_path()
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
            request.session.pop(SETUP_NEXT, None)  # back in the admin: done
        response = self.get_response(request)
        if (
            staff
            and request.method == "POST"
            and request.path == reverse("mfa_activate_totp")
            and response.status_code == 302
            and response.get("Location") == reverse("mfa_index")
            and request.session.get(SETUP_NEXT)
        ):
            # Set up, and no new recovery codes to show: straight back to the admin.
            return redirect(request.session.pop(SETUP_NEXT))
        return response


class AdminLanguageMiddleware:
    """The admin has no language prefix (shop/urls.py), so LocaleMiddleware gives it English;
    a staff member who chose another language (the shop's switcher, saved on the account)
    reads the admin in it: Django's words from Django's catalogs, the shop's labels from the
    shop's."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_staff and request.path.startswith(self.prefix):
            translation.activate(supported(language))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
