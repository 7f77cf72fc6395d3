from django.urls import path

from markets import views

app_name = "markets"
urlpatterns = [path("market/", views.choose, name="choose")]
