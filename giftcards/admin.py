"""The merchant's gift cards and store credit: cards (issue one or a batch from CSV, disable),
customers' credit (give credit, with a reason), and the ledger, read-only. Codes are shown once,
on the page that issued them; everywhere else only their last four characters."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giftcards import services
from giftcards.exceptions import GiftCardError
from giftcards.models import CreditGrant, GiftCard, LedgerEntry, StoreCreditAccount
from markets.models import validate_currency

MAX_BATCH = 1000


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows moved only by the services: read here, never edited or deleted by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["created_at", "kind", "amount", "balance_after", "order_number", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IssueForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=12, decimal_places=3
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, validators=[validate_currency])
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=100, initial=1)
    expires = forms.DateField(
        label=_("Expires"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    recipient_email = forms.EmailField(label=_("Recipient email"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = settings.SHOP_CURRENCY


class BatchForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: amount, currency, expires (YYYY-MM-DD or empty), recipient_email."),
    )


class DisableForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


def _expiry(day):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(23, 59))) if day else None


@admin.register(GiftCard)
class GiftCardAdmin(ReadOnlyAdmin):
    list_display = [
        "label",
        "currency",
        "initial_balance",
        "balance",
        "expires_at",
        "is_disabled",
        "recipient_email",
        "issued_by",
        "created_at",
    ]
    list_filter = ["is_disabled", "currency"]
    search_fields = ["last4", "recipient_email", "purchaser_email"]
    exclude = ["code_hash"]
    inlines = [EntryInline]
    change_list_template = "admin/giftcards/giftcard/change_list.html"
    change_form_template = "admin/giftcards/giftcard/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "code_hash"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("issue/", view(self.issue_view), name="giftcards_giftcard_issue"),
            path("batch/", view(self.batch_view), name="giftcards_giftcard_batch"),
            path(
                "<int:card_id>/disable/", view(self.disable_view), name="giftcards_giftcard_disable"
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title}

    def _check(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm(
            "giftcards.change_giftcard"
        ):
            raise PermissionDenied

    def issue_view(self, request):
        """Issue cards; their codes are shown on the next page, once."""
        self._check(request)
        form = IssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    issued = [
                        services.issue_card(
                            amount=data["amount"],
                            currency=data["currency"].upper(),
                            actor=request.user.get_username(),
                            expires_at=_expiry(data["expires"]),
                            recipient_email=data["recipient_email"],
                            note="Issued by staff",
                        )
                        for _n in range(data["count"])
                    ]
            except GiftCardError as error:
                form.add_error("amount", str(error))
            else:
                return self._issued(request, issued)
        context = {
            **self._context(request, gettext("Issue gift cards")),
            "form": form,
            "batch_form": BatchForm(),
        }
        return TemplateResponse(request, "admin/giftcards/giftcard/issue.html", context)

    def batch_view(self, request):
        """Issue a batch from a CSV file: all of it, or (one bad row) none of it."""
        self._check(request)
        form = BatchForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                rows = _read_batch(form.cleaned_data["csv_file"])
                with transaction.atomic():
                    issued = [
                        services.issue_card(
                            amount=row["amount"],
                            currency=row["currency"],
                            actor=request.user.get_username(),
                            expires_at=_expiry(row["expires"]),
                            recipient_email=row["recipient_email"],
                            note="Issued by staff (CSV)",
                        )
                        for row in rows
                    ]
            except (GiftCardError, forms.ValidationError) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
                return TemplateResponse(
                    request,
                    "admin/giftcards/giftcard/issue.html",
                    {
                        **self._context(request, gettext("Issue gift cards")),
                        "form": IssueForm(),
                        "batch_form": form,
                    },
                )
            return self._issued(request, issued)
        return TemplateResponse(
            request,
            "admin/giftcards/giftcard/issue.html",
            {
                **self._context(request, gettext("Issue gift cards")),
                "form": IssueForm(),
                "batch_form": form,
            },
        )

    def _issued(self, request, issued):
        context = {**self._context(request, gettext("Gift cards issued")), "issued": issued}
        return TemplateResponse(request, "admin/giftcards/giftcard/issued.html", context)

    def disable_view(self, request, card_id):
        self._check(request)
        card = GiftCard.objects.filter(pk=card_id).first()
        if card is None:
            raise PermissionDenied
        form = DisableForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.disable_card(
                card_id=card.pk,
                actor=request.user.get_username(),
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, gettext("Gift card %(card)s disabled.") % {"card": card})
            return _redirect(reverse("admin:giftcards_giftcard_change", args=[card.pk]))
        context = {
            **self._context(request, gettext("Disable gift card %(card)s") % {"card": card}),
            "form": form,
            "card": card,
        }
        return TemplateResponse(request, "admin/giftcards/giftcard/disable.html", context)


def _redirect(url):
    from django.shortcuts import redirect

    return redirect(url)


def _read_batch(upload) -> list[dict]:
    try:
        text = upload.read(1_000_000).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(gettext("The file is not UTF-8 text.")) from error
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_BATCH:
            raise forms.ValidationError(gettext("At most 1000 cards at once."))
        try:
            amount = Decimal((row.get("amount") or "").strip())
        except InvalidOperation:
            amount = None
        currency = (row.get("currency") or settings.SHOP_CURRENCY).strip().upper()
        expires = (row.get("expires") or "").strip()
        email = (row.get("recipient_email") or "").strip()
        problems = []
        if amount is None or amount <= 0:
            problems.append(gettext("the amount"))
        try:
            validate_currency(currency)
        except forms.ValidationError:
            problems.append(gettext("the currency"))
        day = parse_date(expires) if expires else None
        if expires and day is None:
            problems.append(gettext("the expiry date"))
        if email:
            try:
                forms.EmailField().clean(email)
            except forms.ValidationError:
                problems.append(gettext("the email"))
        if problems:
            raise forms.ValidationError(
                gettext("Line %(line)d: check %(what)s. Nothing was issued.")
                % {"line": number, "what": ", ".join(problems)}
            )
        rows.append(
            {"amount": amount, "currency": currency, "expires": day, "recipient_email": email}
        )
    if not rows:
        raise forms.ValidationError(gettext("The file has no cards. Nothing was issued."))
    return rows


class CreditForm(forms.Form):
    email = forms.EmailField(label=_("Customer's email"))
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=12, decimal_places=3
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, validators=[validate_currency])
    reason = forms.CharField(label=_("Reason"), max_length=200)
    expires = forms.DateField(
        label=_("Expires"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = settings.SHOP_CURRENCY

    def clean_email(self):
        user = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError(_("No customer has that email address."))
        self.user = user
        return self.cleaned_data["email"]


class GrantInline(admin.TabularInline):
    model = CreditGrant
    fields = ["created_at", "amount", "remaining", "expires_at", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StoreCreditAccount)
class StoreCreditAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "currency", "balance", "created_at"]
    search_fields = ["user__email"]
    list_filter = ["currency"]
    inlines = [GrantInline, EntryInline]
    change_list_template = "admin/giftcards/storecreditaccount/change_list.html"

    def get_urls(self):
        return [
            path(
                "credit/",
                self.admin_site.admin_view(self.credit_view),
                name="giftcards_storecreditaccount_credit",
            ),
            *super().get_urls(),
        ]

    def credit_view(self, request):
        """Staff give a customer store credit; a reason is required (it is in the ledger)."""
        if not request.user.has_perm("giftcards.change_storecreditaccount"):
            raise PermissionDenied
        form = CreditForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.credit_customer(
                    user=form.user,
                    amount=data["amount"],
                    currency=data["currency"].upper(),
                    actor=request.user.get_username(),
                    reason=data["reason"],
                    expires_at=_expiry(data["expires"]),
                )
            except GiftCardError as error:
                form.add_error("amount", str(error))
            else:
                messages.success(
                    request,
                    gettext("Gave %(email)s store credit.") % {"email": data["email"]},
                )
                return _redirect(reverse("admin:giftcards_storecreditaccount_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Give store credit"),
            "form": form,
        }
        return TemplateResponse(request, "admin/giftcards/storecreditaccount/credit.html", context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "gift_card",
        "account",
        "amount",
        "currency",
        "balance_after",
        "order_number",
        "actor",
    ]
    list_filter = ["kind", "currency"]
    search_fields = ["order_number", "gift_card__last4", "account__user__email"]
    list_select_related = ["gift_card", "account__user"]

    def has_change_permission(self, request, obj=None):
        return False
