"""The moderation queue: reviews waiting first, approve or reject (with a reason the author
is shown) in bulk, and a public reply on the review's page. The shopper's words and rating
are read-only here: the merchant decides whether a review is published, never what it says."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reviews import services
from reviews.exceptions import ReviewError
from reviews.models import REASON_MAX, REPLY_MAX, Review


class DecisionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason (for “Reject”, shown to the author)"),
        required=False,
        max_length=REASON_MAX,
    )


class ReplyForm(forms.ModelForm):
    reply = forms.CharField(
        label=_("Public reply"),
        required=False,
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown under the review on the product page, signed with the shop's name."),
    )

    class Meta:
        model = Review
        fields = ["reply"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReplyForm
    action_form = DecisionForm
    actions = ["approve", "reject"]
    list_display = [
        "title",
        "product",
        "rating",
        "status",
        "verified",
        "helpful_count",
        "created_at",
    ]
    list_filter = ["status", "rating"]
    list_select_related = ["product"]
    search_fields = ["title", "product__name"]
    readonly_fields = [
        "product", "author", "rating", "title", "text", "verified", "status",
        "rejection_reason", "moderated_by", "moderated_at", "helpful_count", "created_at",
        "updated_at",
    ]  # fmt: skip
    fields = [*readonly_fields, "reply"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        """A review is rejected with a reason its author reads, never deleted unseen."""
        return False

    def changelist_view(self, request, extra_context=None):
        """The queue opens on what waits for a decision."""
        if not request.GET and request.method == "GET":
            return redirect(f"{request.path}?status__exact={Review.Status.PENDING}")
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("Verified buyer"), boolean=True)
    def verified(self, obj):
        return obj.is_verified

    @admin.display(description=_("Author"))
    def author(self, obj):
        who = obj.user.email if obj.user_id else f"{obj.email} ({_('guest')})"
        return f"{obj.shown_name} — {who}"

    @admin.action(description=_("Approve (publish) selected reviews"))
    def approve(self, request, queryset):
        done = 0
        for review_id in queryset.values_list("pk", flat=True):
            services.approve(review_id=review_id, actor=request.user.get_username())
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d review published.", "%(n)d reviews published.", done) % {"n": done},
        )

    @admin.action(description=_("Reject selected reviews (give the reason)"))
    def reject(self, request, queryset):
        reason = request.POST.get("reason", "")
        done = 0
        for review_id in queryset.values_list("pk", flat=True):
            try:
                services.reject(
                    review_id=review_id, reason=reason, actor=request.user.get_username()
                )
            except ReviewError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d review rejected.", "%(n)d reviews rejected.", done) % {"n": done},
        )

    def save_model(self, request, obj, form, change):
        """Only the reply is editable, and it goes through the service."""
        try:
            services.reply(
                review_id=obj.pk, text=form.cleaned_data["reply"], actor=request.user.get_username()
            )
        except ReviewError as error:
            self.message_user(request, str(error), messages.ERROR)
