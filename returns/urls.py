from django.urls import path

from returns import views

app_name = "returns"

urlpatterns = [
    path("orders/<str:number>/return/", views.start, name="start"),
    path(
        "orders/<str:number>/returns/<int:return_id>/pay/",
        views.pay_difference,
        name="pay_difference",
    ),
    path(
        "orders/<str:number>/returns/<int:return_id>/paid/",
        views.difference_paid,
        name="difference_paid",
    ),
]
