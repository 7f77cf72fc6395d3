from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("back-in-stock/", views.stock_alert, name="stock_alert"),
    path("back-in-stock/confirm/<str:token>/", views.confirm_alert, name="confirm_alert"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("email/preferences/", views.my_preferences, name="my_preferences"),
    path("email/preferences/<str:token>/", views.preferences, name="preferences"),
    path("restore-cart/<str:token>/", views.restore_cart, name="restore_cart"),
]
