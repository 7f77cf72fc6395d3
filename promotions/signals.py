"""A promotion changed (saved or deleted, with its amounts, tiers or items): catalog pages may
show another sale price, so the catalog version is bumped once the change commits."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from shop.catalog.cache import bump_catalog_version


def _changed(sender, **kwargs) -> None:
    transaction.on_commit(bump_catalog_version)


def connect() -> None:
    from promotions.models import Promotion, PromotionPrice, PromotionTarget, PromotionTier

    for model in (Promotion, PromotionPrice, PromotionTier, PromotionTarget):
        post_save.connect(_changed, sender=model, dispatch_uid=f"promotions-{model.__name__}-save")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"promotions-{model.__name__}-delete"
        )
    m2m_changed.connect(
        _changed, sender=Promotion.shipping_methods.through, dispatch_uid="promotions-methods"
    )
