"""The shop's own pages (contact, shipping, returns, privacy, terms), written by the merchant.

Not django.contrib.flatpages: it needs django.contrib.sites, whose Site row ("example.com")
would then be what allauth names the shop in emails and two-factor apps instead of SHOP_NAME,
and it keys a page by its URL, which the footer and checkout link to by name."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        help_text=_(
            "The page is at /pages/<address>/. The footer links to contact, shipping, returns, "
            "privacy and terms; checkout links to terms and returns."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "Plain text: a blank line starts a new paragraph; web and email addresses "
            "become links. Empty: the page is not shown (404)."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:page", kwargs={"slug": self.slug})
