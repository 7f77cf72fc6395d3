from django.http import Http404
from django.shortcuts import render

from shop.content.models import Page


def page(request, slug: str):
    """A page the merchant wrote; one not written yet (or unpublished, or empty) is a 404."""
    found = Page.objects.filter(slug=slug, is_published=True).exclude(body="").first()
    if found is None:
        raise Http404("No such page")
    return render(request, "content/page.html", {"page": found})
