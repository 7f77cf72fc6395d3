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


# The same pages in German, written where a page has no German yet.
PAGES_DE = {
    "contact": (
        "Kontakt",
        "Wir beantworten jede Nachricht innerhalb eines Werktags.\n\n"
        "E-Mail: hello@example.com\n"
        "Telefon: +1 212 555 0100 (Montag bis Freitag, 9 bis 17 Uhr Ostküstenzeit)\n\n"
        "{shop}\n350 Fifth Avenue\nNew York, NY 10118\nVereinigte Staaten\n\n"
        "Wenn Ihre Nachricht eine Bestellung betrifft, nennen Sie bitte die Bestellnummer "
        "(Sie finden sie in Ihrer Bestellbestätigung).",
    ),
    "shipping": (
        "Versand",
        "Bestellungen, die an einem Werktag vor 14 Uhr Ostküstenzeit eingehen, verlassen unser "
        "Lager noch am selben Tag.\n\n"
        "Der Standardversand dauert 3 bis 5 Werktage und kostet 5,00 $; ab einem Bestellwert "
        "von 100 $ ist er kostenlos. Der Expressversand kommt am nächsten Werktag an und "
        "kostet 15,00 $.\n\n"
        "Sobald Ihr Paket unterwegs ist, senden wir Ihnen die Sendungsnummer und einen Link "
        "zur Sendungsverfolgung.",
    ),
    "returns": (
        "Rückgabe und Erstattung",
        "Sie haben es sich anders überlegt? Senden Sie Unbenutztes innerhalb von 30 Tagen nach "
        "der Lieferung zurück, und Sie erhalten den vollen bezahlten Betrag zurück.\n\n"
        "Schreiben Sie an hello@example.com mit Ihrer Bestellnummer und dem, was Sie "
        "zurücksenden; wir antworten mit einem frankierten Rücksendeetikett. Sobald das Paket "
        "bei uns ist, erstatten wir den Betrag innerhalb von 5 Werktagen auf Ihre Karte und "
        "sagen Ihnen per E-Mail Bescheid.\n\n"
        "Fehlerhafte oder beschädigte Artikel erstatten oder ersetzen wir innerhalb eines "
        "Jahres jederzeit, auf unsere Kosten.",
    ),
    "privacy": (
        "Datenschutz",
        "Wir speichern nur, was wir brauchen, um Ihre Bestellung zu liefern und uns um Sie zu "
        "kümmern: Ihren Namen, Ihre E-Mail-Adresse, Ihre Lieferadresse und was Sie gekauft "
        "haben. Kartendaten gehen direkt an Stripe, unseren Zahlungsdienstleister; wir sehen "
        "und speichern sie nie.\n\n"
        "Wir verkaufen Ihre Daten niemals. Wir nutzen sie, um Ihre Bestellung zu versenden, "
        "Ihnen dazu zu schreiben und Ihnen zu antworten. Wenn Sie Ihr Konto schließen, löschen "
        "wir Ihre Adressen und entfernen Ihren Namen und Ihre Adresse aus früheren "
        "Bestellungen, die wir für unsere Buchhaltung aufbewahren.\n\n"
        "Fragen zu Ihren Daten: hello@example.com.",
    ),
    "terms": (
        "Allgemeine Geschäftsbedingungen",
        "Diese Bedingungen gelten für jede Bestellung bei {shop}.\n\n"
        "Die Preise enthalten alles außer Umsatzsteuer und Versand, die Ihnen vor dem Bezahlen "
        "angezeigt werden. Eine Bestellung ist angenommen, sobald wir ihre Bestätigung per "
        "E-Mail senden; sollte ein Artikel doch nicht lieferbar sein, erstatten wir ihn "
        "vollständig.\n\n"
        "Sie können Gekauftes so zurückgeben, wie es unsere Rückgaberichtlinie beschreibt. "
        "Nichts in diesen Bedingungen schränkt Ihre gesetzlichen Rechte als Verbraucher ein.",
    ),
}


def load() -> int:
    """Create the pages a merchant has not written yet, and their German where it is not
    written yet; never overwrite the merchant's."""
    created = 0
    for slug, (title, body) in PAGES.items():
        _page, new = Page.objects.get_or_create(
            slug=slug,
            defaults={"title_en": title, "body_en": body.format(shop=settings.SHOP_NAME)},
        )
        created += new
    for slug, (title, body) in PAGES_DE.items():
        Page.objects.filter(slug=slug, title_de__isnull=True).update(
            title_de=title, body_de=body.format(shop=settings.SHOP_NAME)
        )
    return created
