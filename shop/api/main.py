"""The API's one instance, the site's: it mounts each app's routes (its api.py, beside its
views.py) under /api/v1/, with auth, throttles, the error shape, the schema and its docs page.

The only module of shop/api/ on the site's floor (with docs.py, which serves its schema): the
rest of shop/api/ is the ground floor's kit (errors, schemas, auth, throttles) that every
app's api.py builds on (.importlinter)."""

from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts import api as account
from giftcards import api as giftcards
from orders import api as orders
from payments import api as payments
from reminders import api as reminders
from returns import api as returns
from reviews import api as reviews
from shop.api.auth import SHOPPER
from shop.api.errors import ApiError
from shop.api.throttles import PerAddress, PerUser
from shop.cart import api as cart
from shop.catalog import api as catalog
from wishlists import api as wishlists

logger = logging.getLogger(__name__)


DESCRIPTION = """The shop's whole shopping flow as JSON, for apps and other frontends: the
catalog, search, the cart, checkout, orders and their payment, a signed-in shopper's orders and
addresses. The same rules as the shop's pages apply, from the same code.

**Authentication.** Every operation may be called as a guest: a cart is reached by its token
(from creating it), an order by its key (from placing it). Signed-in shoppers are recognised
either by the session token of allauth's headless API (apps: sign up, verify the email, sign
in and two-factor at `/_allauth/app/v1/`, then send `X-Session-Token`), or by the shop's
session cookie (browsers; a request that changes anything then needs the `X-CSRFToken`
header). A signed-in shopper's cart is theirs only; another shopper's cart, order or address
is a 404.

**Errors** have one shape, with a code per problem: `{"errors": [{"code": "sold_out",
"message": "Sorry, only 2 of Mug left.", "field": "quantity"}]}`. A method an operation does
not have is a 405 in this shape, with `Allow`.

**Bodies** are JSON objects (`Content-Type: application/json`) with the documented members and
no others (an unknown member is a 422). A body that is not JSON, not UTF-8, nested more than 32
deep, with a number longer than 100 characters, or with a NUL or a lone surrogate in a string
is refused with a 400 before the operation runs.

**Money** is `{"amount": "12.50", "currency": "USD", "minor": 1250}`.

**Markets.** The catalog's and the cart's operations take `market` (a market's code, e.g.
`eu`; or the `Shop-Market` header): products are listed and priced in its currency (one not
sold there is not found), a new cart is made in it, and `GET /carts/{token}?market=eu`
re-prices a cart there (`notes` say what changed). A cart has one currency; a checkout to an
address in another market than the cart's is refused (409 `market_changed`) until the cart is
re-priced there. An unknown market is a 422 (`unknown_market`).

**Limits.** Requests are throttled per network address and per signed-in shopper (429, with
`Retry-After`); lists are paged, at most 100 items a page.
"""


# The operations whose answer depends on the market (prices, what is sold, a cart's currency).
IN_A_MARKET = {"products", "product", "create_cart", "cart", "add_line"}
MARKET_PARAMETER = {
    "in": "query",
    "name": "market",
    "required": False,
    "schema": {"type": "string", "maxLength": 30, "title": "Market"},
    "description": "The market to answer in (its code, e.g. eu); the shopper's otherwise.",
}


class ShopAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The schema, with the guest's "no credentials" written as OpenAPI's empty
        requirement ({}), and its pseudo-scheme left out."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                if isinstance(operation, dict) and operation.get("operationId") in IN_A_MARKET:
                    # Read by markets.middleware; refused (422) when the operation reads it.
                    operation.setdefault("parameters", []).append(MARKET_PARAMETER)
                if isinstance(operation, dict) and "security" in operation:
                    operation["security"] = [
                        {} if "Guest" in requirement else requirement
                        for requirement in operation["security"]
                    ]
        schemes = schema.get("components", {}).get("securitySchemes", {})
        schemes.pop("Guest", None)
        if "BrowserSession" in schemes:
            schemes["BrowserSession"]["description"] = (
                "The shop's session cookie of a signed-in browser; changes need X-CSRFToken."
            )
        if "SessionToken" in schemes:
            schemes["SessionToken"]["description"] = (
                "The session token of allauth's headless API (/_allauth/app/v1/auth/login)."
            )
        return schema


api = ShopAPI(
    title="Storefront API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=SHOPPER,
    throttle=[PerAddress(), PerUser()],
    openapi_url="/schema/",
    docs_url=None,  # the shop's own page (shop/api/docs.py): accessible, in its layout
)
# In this order: the schema lists the paths as they are mounted.
api.add_router("", catalog.router)
api.add_router("", cart.router)
api.add_router("", giftcards.router)
api.add_router("", orders.checkout)
api.add_router("", orders.router)
api.add_router("", payments.router)
api.add_router("", account.router)
api.add_router("", reminders.router)
api.add_router("", returns.router)
api.add_router("", reviews.router)
api.add_router("", wishlists.router)


def _problems(request, status: int, problems: list[dict]):
    return api.create_response(request, {"errors": problems}, status=status)


@api.exception_handler(ApiError)
def _api_error(request, error: ApiError):
    response = _problems(request, error.status, error.problems)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(ValidationError)
def _invalid(request, error: ValidationError):
    problems = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ())]
        # ("body", "body", "address", "city") / ("query", "page") / ("path", "line_id")
        while location and location[0] in ("body", "query", "path", "header", "cookie"):
            location = location[1:]
        problems.append(
            {
                "code": str(item.get("type", "invalid")),
                "message": str(item.get("msg", "This value is not valid.")),
                "field": ".".join(location) or None,
            }
        )
    return _problems(request, 422, problems or [{"code": "invalid", "message": "Not valid."}])


@api.exception_handler(Http404)
def _not_found(request, error):
    return _problems(request, 404, [{"code": "not_found", "message": "Not found.", "field": None}])


@api.exception_handler(AuthenticationError)
def _unauthorised(request, error):
    return _problems(
        request, 401, [{"code": "not_signed_in", "message": "Please sign in.", "field": None}]
    )


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    status = error.status_code
    code = {
        400: "bad_request",
        401: "not_signed_in",
        403: "forbidden",
        405: "method_not_allowed",
        429: "throttled",
    }.get(status, "error")
    if status == 429:
        message = "Too many requests; please wait a little and try again."
    else:
        message = str(error.message) if hasattr(error, "message") else str(error)
    return _problems(request, status, [{"code": code, "message": message, "field": None}])
