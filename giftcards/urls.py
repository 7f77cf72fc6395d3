from django.urls import path

from giftcards import views

app_name = "giftcards"

urlpatterns = [
    path("checkout/gift-cards/", views.apply, name="apply"),
    path("checkout/gift-cards/<int:card_id>/remove/", views.remove, name="remove"),
    path("checkout/store-credit/", views.use_credit, name="use_credit"),
    path("gift-cards/balance/", views.balance, name="balance"),
    path("account/gift-cards/", views.account, name="account"),
]
