from django.utils.functional import SimpleLazyObject

from shop.cart.selectors import cart_quantity_for_request


def cart(request):
    """The header's cart badge: the size of the shopper's cart, asked only if the page shows
    it and its view did not already count it (a view that priced the cart passes
    `cart_quantity` itself, which wins over this)."""
    return {"cart_quantity": SimpleLazyObject(lambda: cart_quantity_for_request(request))}
