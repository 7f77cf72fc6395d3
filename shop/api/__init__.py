"""The headless API under /api/v1/ (django-ninja): the whole shopping flow as JSON for apps
and other frontends, through the same services and selectors as the pages."""
