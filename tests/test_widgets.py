"""shop/widgets.py writes the HTML Django's templates would, faster."""

from django import forms

from orders.forms import RegionField, country_field
from shop import widgets


def _both(field: forms.Field, value, attrs=None):
    ours = field.widget.render("place", value, attrs)
    django_widget = forms.Select(attrs=field.widget.attrs, choices=field.widget.choices)
    return ours, django_widget.render("place", value, attrs)


def test_the_country_select_is_django_s_own_html():
    field = country_field()
    assert isinstance(field.widget, widgets.Select)
    for value in ("", "GB", "nowhere"):
        ours, theirs = _both(field, value, {"id": "id_country", "aria-invalid": "true"})
        assert ours == theirs


def test_grouped_choices_and_booleans_and_escaping():
    field = RegionField()
    ours, theirs = _both(field, "US-IL", {"id": "r", "required": True, "disabled": False})
    assert ours == theirs
    assert '<option value="US-IL" selected>' in ours and "<optgroup" in ours
    field = forms.ChoiceField(
        choices=[("a&b", 'Say "<hi>"'), ("Group <x>", [("1", "one")])],
        widget=widgets.Select(attrs={"data-x": '"q"'}),
    )
    ours, theirs = _both(field, "a&b")
    assert ours == theirs and "&lt;hi&gt;" in ours and "&amp;" in ours
