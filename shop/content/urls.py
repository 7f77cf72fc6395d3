from django.urls import path

from shop.content import views

app_name = "content"

urlpatterns = [
    path("<slug:slug>/", views.page, name="page"),
]
