from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from orders.selectors import orders_of_user


@login_required
def my_orders(request):
    page = Paginator(orders_of_user(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "accounts/orders.html", {"page": page})
