from django.urls import path

from returns import views

app_name = "returns"

urlpatterns = [
    path("orders/<str:number>/return/", views.start, name="start"),
]
