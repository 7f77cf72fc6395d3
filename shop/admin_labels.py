"""Every input in an admin table row has a name a screen reader says: the column's label and
the row it is in ("Price, TEE-NAV-M"). Django's tabular inlines and editable lists put the
label in the table's header only, which axe reports as unlabeled inputs and unnamed selects.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext


def label_row(form: forms.BaseForm) -> None:
    instance = getattr(form, "instance", None)
    row = str(instance) if instance is not None and instance.pk else gettext("new row")
    sku = getattr(instance, "sku", "")
    if sku:
        row = sku
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        label = field.label or name.replace("_", " ").capitalize()
        widget = getattr(field.widget, "widget", field.widget)  # inside a related-field wrapper
        widget.attrs.setdefault("aria-label", f"{label}, {row}")


class LabelledRowsMixin:
    """For a formset whose forms are table rows (an inline, a list's editable columns)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        label_row(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        label_row(form)
        return form


class LabelledInlineFormSet(LabelledRowsMixin, forms.BaseInlineFormSet):
    pass


class LabelledModelFormSet(LabelledRowsMixin, forms.BaseModelFormSet):
    pass


class LabelledListEditableMixin:
    """For a ModelAdmin with `list_editable`: its list's inputs named by column and row."""

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=LabelledModelFormSet, **kwargs)
