"""The WSGI application, ready before it takes its first request.

gunicorn loads it once in its master (gunicorn.conf.py's preload_app), before listening:
importing the URLconf imports every view, and compiling the busiest templates fills the
template cache, so no shopper waits for that after a start or a restart, and the workers
forked from the master share the memory. `gc.freeze()` then keeps everything loaded so far
out of the garbage collector's passes (fewer and shorter pauses under load).
"""

import gc
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
application = get_wsgi_application()

WARM_TEMPLATES = [
    "catalog/page.html",
    "catalog/_home_body.html",
    "catalog/_category_body.html",
    "catalog/_search_body.html",
    "catalog/_product_body.html",
    "cart/detail.html",
    "orders/checkout.html",
    "orders/review.html",
    "orders/detail.html",
    "payments/pay.html",
]


def _warm() -> None:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view)
    for name in WARM_TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            logging.getLogger(__name__).warning("No template %s to warm", name)


_warm()
gc.freeze()
