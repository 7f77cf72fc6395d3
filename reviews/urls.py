from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("write/<slug:slug>/", views.write, name="write"),
    path("mine/", views.mine, name="mine"),
    path("order/<str:token>/", views.order, name="order"),
    path("<int:review_id>/helpful/", views.helpful, name="helpful"),
]
