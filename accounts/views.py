from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import services
from accounts.exceptions import AddressError
from accounts.forms import AddressForm, DeleteAccountForm
from accounts.models import Address
from orders.selectors import orders_of_user


@login_required
def my_orders(request):
    page = Paginator(orders_of_user(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "accounts/orders.html", {"page": page})


@login_required
def addresses(request):
    """The address book, and a form to add one."""
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_address(user=request.user, data=form.cleaned_data)
        except AddressError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Address saved."))
            return redirect("accounts:addresses")
    return render(
        request,
        "accounts/addresses.html",
        {"addresses": request.user.addresses.all(), "form": form},
    )


def _own(request, address_id) -> Address:
    """The address if it is this user's; anyone else's is a 404, as if it did not exist."""
    address = Address.objects.filter(pk=address_id, user=request.user).first()
    if address is None:
        raise Http404("No such address")
    return address


@login_required
def edit_address(request, address_id):
    address = _own(request, address_id)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.save_address(user=request.user, data=form.cleaned_data, address_id=address.pk)
        messages.success(request, _("Address updated."))
        return redirect("accounts:addresses")
    return render(request, "accounts/address_edit.html", {"form": form, "address": address})


@login_required
@require_POST
def delete_address(request, address_id):
    address = _own(request, address_id)
    services.delete_address(user=request.user, address_id=address.pk)
    messages.success(request, _("Address deleted."))
    return redirect("accounts:addresses")


@login_required
@require_POST
def default_address(request, address_id):
    address = _own(request, address_id)
    services.make_default(user=request.user, address_id=address.pk)
    messages.success(request, _("Default address changed."))
    return redirect("accounts:addresses")


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        kept = services.delete_account(user=user)
        messages.success(
            request,
            _("Your account is closed.")
            + (
                " "
                + ngettext(
                    "The shop keeps %(n)d order for its books, without your details.",
                    "The shop keeps %(n)d orders for its books, without your details.",
                    kept,
                )
                % {"n": kept}
                if kept
                else ""
            ),
        )
        return redirect("catalog:home")
    return render(request, "accounts/delete.html", {"form": form})
