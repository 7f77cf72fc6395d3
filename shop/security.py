"""Content Security Policy: our own scripts and Stripe's, nothing inline, no framing.

Django 5.2 has no CSP of its own (6.0 will); one header, built once from settings.
"""

from django.conf import settings

STRIPE = {
    "script-src": ["https://js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
    "img-src": ["https://*.stripe.com"],
}


def content_security_policy() -> str:
    policy = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Stripe's Payment Element and the admin set styles inline; scripts never are.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    for directive, sources in STRIPE.items():
        policy[directive] += sources
    if getattr(settings, "MEDIA_URL", "").startswith("http"):
        policy["img-src"].append(settings.MEDIA_URL)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
