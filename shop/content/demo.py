"""The demo's five shop pages: plain, believable text a merchant replaces with their own."""

from django.conf import settings

from shop.content.models import Page

PAGES = {
    "contact": (
        "Contact us",
        "We answer every message within one working day.\n\n"
        "Email: hello@example.com\n"
        "Phone: +1 212 555 0100 (Monday to Friday, 9 am to 5 pm Eastern)\n\n"
        "{shop}\n350 Fifth Avenue\nNew York, NY 10118\nUnited States\n\n"
        "Please include your order number (it is in your confirmation email) if your "
        "message is about an order.",
    ),
    "shipping": (
        "Shipping",
        "Orders placed before 2 pm Eastern on a working day leave our warehouse the same day.\n\n"
        "Standard shipping takes 3 to 5 working days and costs $5.00; it is free on orders "
        "over $100. Express shipping arrives the next working day and costs $15.00.\n\n"
        "As soon as your parcel leaves us, we email you its tracking number and a link to "
        "follow it.",
    ),
    "returns": (
        "Returns and refunds",
        "Changed your mind? Send anything back unused within 30 days of delivery for a full "
        "refund of what you paid for it.\n\n"
        "Email hello@example.com with your order number and what you are returning; we reply "
        "with a prepaid label. Once the parcel reaches us we refund your card within 5 working "
        "days, and email you when we do.\n\n"
        "Faulty or damaged items are refunded or replaced at any time within a year, at our cost.",
    ),
    "privacy": (
        "Privacy",
        "We keep only what we need to deliver your order and look after you: your name, email "
        "address, shipping address and what you bought. Card details go straight to Stripe, our "
        "payment provider; we never see or store them.\n\n"
        "We never sell your details. We use them to send your order, to email you about it, and "
        "to answer you. Closing your account deletes your addresses and removes your name and "
        "address from past orders, which we keep for our accounts.\n\n"
        "Questions about your data: hello@example.com.",
    ),
    "terms": (
        "Terms of sale",
        "These terms apply to every order placed with {shop}.\n\n"
        "Prices include everything but sales tax and shipping, which are shown before you pay. "
        "An order is accepted when we email its confirmation; if an item turns out to be "
        "unavailable we refund it in full.\n\n"
        "You may return what you bought as our returns policy describes. Nothing in these terms "
        "limits your rights as a consumer under the law.",
    ),
}


def load() -> int:
    """Create the pages a merchant has not written yet; never overwrite theirs."""
    created = 0
    for slug, (title, body) in PAGES.items():
        _page, new = Page.objects.get_or_create(
            slug=slug,
            defaults={"title": title, "body": body.format(shop=settings.SHOP_NAME)},
        )
        created += new
    return created
