from django.urls import path

from payments import views

app_name = "payments"

# The shopper's payment pages, under the language prefix (shop/urls.py). Stripe's webhook is
# the site's `stripe_webhook`, outside it: one address whatever the language.

urlpatterns = [
    path("orders/<str:number>/pay/", views.pay, name="pay"),
    path("orders/<str:number>/return/", views.payment_return, name="return"),
    path("emulator/confirm/", views.emulator_confirm, name="emulator_confirm"),
]
