"""Regions are chosen from ISO 3166-2 codes; tax rates, checkout and the address book agree,
and free-text regions from before migrate to codes where they match."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from orders import regions
from orders.models import TaxRate
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "country, text, code",
    [
        ("US", "New York", "US-NY"),
        ("US", "ny", "US-NY"),
        ("US", "us-ny", "US-NY"),
        ("US", " new  york ", "US-NY"),
        ("CA", "Québec", "CA-QC"),
        ("CA", "quebec", "CA-QC"),
        ("AU", "NSW", "AU-NSW"),
        ("US", "Nowhere", None),
        ("US", "UM", None),
        ("FR", "Paris", None),
    ],
)
def test_free_text_regions_match_their_code(country, text, code):
    assert regions.match(country, text) == code


def test_the_region_lists_come_from_iso_3166_2():
    us = dict(regions.regions_of("US"))
    assert len(us) >= 51 and us["US-NY"] == "New York" and us["US-DC"]
    assert len(regions.regions_of("CA")) == 13
    assert regions.regions_of("FR") == ()
    assert regions.name_of("US-NY") == "New York" and regions.name_of("odd") == "odd"


@pytest.mark.django_db
def test_a_tax_rate_must_name_a_region_of_its_country():
    with pytest.raises(ValidationError):
        TaxRate(country="US", region="NY", name="Tax", rate=Decimal("0.1")).full_clean()
    with pytest.raises(ValidationError):
        TaxRate(country="US", region="CA-QC", name="Tax", rate=Decimal("0.1")).full_clean()
    TaxRate(country="US", region="US-NY", name="Tax", rate=Decimal("0.1")).full_clean()


@pytest.mark.django_db
def test_the_tax_rate_admin_chooses_regions_and_shows_the_ones_that_match_nothing(client):
    TaxRate.objects.create(country="US", region="Nowhere", name="Tax", rate=Decimal("0.1"))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:orders_taxrate_changelist")).content.decode()
    add = client.get(reverse("admin:orders_taxrate_add")).content.decode()
    saved = client.post(
        reverse("admin:orders_taxrate_add"),
        {"country": "US", "region": "US-TX", "name_en": "Sales tax", "rate": "0.0625"},
    )

    assert "1 tax rate names a region that is not an ISO 3166-2 code" in listing
    assert "Nowhere" in listing
    assert '<optgroup label="United States">' in add and 'value="US-NY"' in add
    assert saved.status_code == 302
    assert TaxRate.objects.filter(region="US-TX").exists()


@pytest.mark.django_db(transaction=True)
def test_free_text_regions_migrate_to_codes_and_the_rest_stay_as_typed(capsys):
    executor = MigrationExecutor(connection)
    executor.migrate(
        [("orders", "0003_refunds_and_shipping"), ("accounts", "0003_email_only_users")]
    )
    old = executor.loader.project_state(
        [("orders", "0003_refunds_and_shipping"), ("accounts", "0003_email_only_users")]
    ).apps
    OldTaxRate = old.get_model("orders", "TaxRate")
    OldTaxRate.objects.create(country="US", region="New York", name="Tax", rate=Decimal("0.08875"))
    OldTaxRate.objects.create(country="US", region="Atlantis", name="Tax", rate=Decimal("0.1"))
    OldTaxRate.objects.create(country="FR", region="", name="TVA", rate=Decimal("0.2"))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(TaxRate.objects.values_list("country", "region")) == [
        ("FR", ""),
        ("US", "Atlantis"),
        ("US", "US-NY"),
    ]
    assert "'Atlantis'" in capsys.readouterr().out
