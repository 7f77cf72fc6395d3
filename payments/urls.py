from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="webhook"),
    path("orders/<str:number>/pay/", views.pay, name="pay"),
    path("orders/<str:number>/return/", views.payment_return, name="return"),
    path("emulator/confirm/", views.emulator_confirm, name="emulator_confirm"),
]
