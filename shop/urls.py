from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.contrib.sitemaps.views import sitemap
from django.http import Http404
from django.shortcuts import render
from django.urls import include, path, re_path, reverse

from payments import views as payment_views
from shop import metrics
from shop import views as shop_views
from shop.api import docs as api_docs
from shop.api.main import api
from shop.catalog import seo


def admin_login(request, extra_context=None):
    """The admin signs in through allauth, with its rate limits and two-factor step.

    A signed-in shopper who is not staff would be sent back here by allauth (already signed
    in) and round again forever: they get a page that says so instead, with a way out."""
    if request.user.is_authenticated and not (request.user.is_active and request.user.is_staff):
        return render(request, "errors/admin_forbidden.html", status=403)
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("account_login")
    )


admin.site.login = admin_login


def no_phone_numbers(request, *args, **kwargs):
    """Accounts here have an email address and no phone number: allauth's headless phone
    endpoints (there whatever the settings say) answer 404 instead of failing."""
    raise Http404("Accounts have no phone number")


urlpatterns = [
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": seo.SITEMAPS}, name="sitemap"),
    path("healthz", shop_views.healthz, name="healthz"),
    path("readyz", shop_views.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/docs/", api_docs.docs, name="api_docs"),
    path("api/v1/", api.urls),
    re_path(r"^_allauth/(?:app|browser)/v1/(?:account|auth)/phone(?:/.*)?$", no_phone_numbers),
    path("_allauth/", include("allauth.headless.urls")),
    # Stripe's address for its events, the same in every language.
    path("payments/stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    # The language switcher's form (Django's set_language, which also saves a signed-in
    # shopper's choice on the account).
    path("language/", shop_views.set_language, name="set_language"),
    # The demo's mailbox; answers 404 unless DEBUG is on (shop/views.py).
    path("dev/emails/", shop_views.email_list, name="dev_emails"),
    path("dev/emails/<str:name>/", shop_views.email_detail, name="dev_email"),
    path("dev/emails/<str:name>/html/", shop_views.email_html, name="dev_email_html"),
]
# What a shopper reads, in each language: English without a prefix (so every address from
# before languages still works), German under /de/ (settings.LANGUAGES).
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("reviews/", include("reviews.urls")),
    path("wishlist/", include("wishlists.urls")),
    path("cart/", include("shop.cart.urls")),
    path("", include("markets.urls")),
    path("", include("giftcards.urls")),
    path("", include("returns.urls")),
    path("", include("orders.urls")),
    path("payments/", include("payments.urls")),
    path("", include("reminders.urls")),
    path("pages/", include("shop.content.urls")),
    path("", include("shop.catalog.urls")),
    prefix_default_language=False,
)
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "shop.errors.bad_request"
handler403 = "shop.errors.permission_denied"
handler404 = "shop.errors.page_not_found"
handler500 = "shop.errors.server_error"

admin.site.site_header = f"{settings.SHOP_NAME} admin"
admin.site.site_title = f"{settings.SHOP_NAME} admin"
