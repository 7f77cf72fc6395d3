from django.urls import path

from wishlists import views

app_name = "wishlists"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("toggle/", views.toggle, name="toggle"),
    path("save/<int:product_id>/", views.save, name="save"),
    path("saved.json", views.saved, name="saved"),
    path("share/", views.share, name="share"),
    path("shared/<str:token>/", views.shared, name="shared"),
]
