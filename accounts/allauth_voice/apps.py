from django.apps import AppConfig


class AllauthVoiceConfig(AppConfig):
    """allauth's pages in the shop's voice: sentence-case headings, buttons and labels.

    allauth writes "Sign In", "Remember Me", "Password Reset"; this app's English catalog
    (locale/en/LC_MESSAGES/django.po) gives its own wording for those strings, which Django
    prefers because the app is listed before allauth in INSTALLED_APPS. Another language's
    catalog translates allauth's original strings as usual. This app holds no strings of its
    own, so `makemessages` never rewrites the catalog; edit it by hand, then run
    `manage.py compilemessages` (the compiled .mo is committed; a test checks it is current).
    """

    name = "accounts.allauth_voice"
    label = "allauth_voice"
    verbose_name = "allauth wording"
