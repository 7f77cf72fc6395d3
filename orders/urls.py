from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/review/", views.review, name="review"),
    path("checkout/voucher/", views.apply_voucher, name="apply_voucher"),
    path("checkout/voucher/remove/", views.remove_voucher, name="remove_voucher"),
    path("orders/<str:number>/", views.detail, name="detail"),
]
