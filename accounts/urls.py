from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("orders/", views.my_orders, name="orders"),
    path("addresses/", views.addresses, name="addresses"),
    path("addresses/<int:address_id>/", views.edit_address, name="edit_address"),
    path("addresses/<int:address_id>/delete/", views.delete_address, name="delete_address"),
    path("addresses/<int:address_id>/default/", views.default_address, name="default_address"),
    path("delete/", views.delete_account, name="delete"),
]
