from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import NAME_MAX, TEXT_MAX, TITLE_MAX

RATINGS = [(str(n), _("%(n)d out of 5 stars") % {"n": n}) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    """What a shopper writes. The rules are the service's (reviews/services.py); the form
    only shows them next to the fields."""

    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5 stars."),
            "invalid_choice": _("Choose a rating from 1 to 5 stars."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Please write a title.")},
    )
    text = forms.CharField(
        label=_("Your review"),
        max_length=TEXT_MAX,
        error_messages={"required": _("Please write your review.")},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you liked or did not, how you use it. No personal details, please."),
    )
    author_name = forms.CharField(
        label=_("Name shown with your review"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Optional. Your email address is never shown."),
    )
