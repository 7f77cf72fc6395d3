"""The site's own tables: where rate limits count while Redis is away (shop/ratelimits.py)."""

from django.db import models


class RateCounter(models.Model):
    """Hits in a fixed window, for the API's throttles while Redis is away: one row per
    limit and caller, counted by one atomic upsert (shop/ratelimits.py)."""

    key = models.CharField(max_length=255, primary_key=True)
    hits = models.PositiveIntegerField()
    window_ends = models.FloatField(db_index=True, help_text="seconds since the epoch")

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class FallbackCacheEntry(models.Model):
    """The table of Django's database cache (its columns, its name), made by a migration:
    allauth's sign-in limits keep counting here while Redis is away."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "shop_cache_fallback"

    def __str__(self) -> str:
        return self.cache_key
