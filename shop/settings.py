"""The one settings module. Every value comes from the environment with a safe default.

With nothing set the shop runs embedded (SQLite, tasks in-process after commit, emails to the
console, a local Stripe emulator). The README lists every variable.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# django-environ reads and casts the variables; the names and defaults are all below.
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local work run `make run`, which "
            "turns DEBUG on, or export SECRET_KEY."
        )
    # A development key, stable per checkout so sessions survive restarts of `make run`.
    _key_file = BASE_DIR / "var" / "dev-secret-key"
    if not _key_file.exists():
        import secrets

        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=["http://localhost:8000", "http://127.0.0.1:8000"]
)

INSTALLED_APPS = [
    # Before the admin: its forms show a translatable field once per language.
    "modeltranslation",
    "shop.admin_site.ShopAdminConfig",  # django.contrib.admin, its index in sections
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "shop",
    "djmoney",
    "imagekit",
    "accounts.allauth_voice",  # before allauth: its wording wins (see its apps.py)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",  # the API's sign-in for apps (/_allauth/)
    "allauth.usersessions",  # the sessions an app's tokens stand for, listed and ended
    "corsheaders",
    "markets",
    "shop.catalog",
    "promotions",
    "shop.cart",
    "giftcards",
    "shop.content",
    "accounts",
    "reviews",
    "wishlists",
    "orders",
    "payments",
    "reminders",
    "returns",
    "worker",
]

MIDDLEWARE = [
    "shop.request_id.RequestIdMiddleware",
    "shop.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers on every answer of the APIs, the guards' refusals included.
    "corsheaders.middleware.CorsMiddleware",
    "shop.body_guard.JsonBodyGuardMiddleware",
    "shop.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the URL's prefix (/de/…; English has none), after the session and
    # before CommonMiddleware, which must see the prefix when it appends a slash.
    "django.middleware.locale.LocaleMiddleware",
    "shop.languages.ApiLanguageMiddleware",  # the API's language from Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "markets.middleware.MarketMiddleware",  # request.market: session, account, browser
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffNeedMFAMiddleware",
    "accounts.middleware.AdminLanguageMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
ASGI_APPLICATION = "shop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.media",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.shop",
                "shop.context_processors.languages",
                "shop.cart.context_processors.cart",
                "markets.context_processors.markets",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL in production and CI.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Django's backend, with a health check that asks the server only when the connection's
    # socket says something happened (shop/db/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "shop.db.postgresql"
    # Typo tolerance in search: a word is a match from half its trigrams on (pg_trgm's
    # default, 0.6, misses "stonware" for Stoneware).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=0.5"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks; a busy timeout at least makes writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Redis: broker, result backend, cache and sessions when set; otherwise all in-process.
REDIS_URL = env.str("REDIS_URL", default="")
# With Redis away, no request waits on it: connecting and replies give up within these
# seconds, and after a failure Redis is skipped for REDIS_BREAKER_SECONDS (shop/redis_cache.py;
# README, "When Redis is down").
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.25)
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5)
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "shop.redis_cache.RedisCache", "LOCATION": REDIS_URL},
        # allauth's rate limits: Redis, or the database while Redis is away (shop/ratelimits.py).
        "ratelimits": {
            "BACKEND": "shop.ratelimits.FallbackCache",
            "OPTIONS": {"PRIMARY": "default", "FALLBACK": "ratelimits-database"},
        },
        "ratelimits-database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shop_cache_fallback",  # made by shop's migration
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
    SESSION_ENGINE = "shop.sessions"  # cached_db with fewer round trips (shop/sessions.py)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Catalog pages and fragments served from the cache: only with a cache every web process
# shares, so a change made through one process shows on the next request to any other.
CATALOG_CACHE = env.bool("CATALOG_CACHE", default=bool(REDIS_URL))
# The layout's header and footer rendered once per language, market, sign-in state and URL and
# kept in each process's memory (shop/templatetags/layout.py); off with DEBUG, so an edited
# template shows at once.
LAYOUT_CACHE = env.bool("LAYOUT_CACHE", default=not DEBUG)
LAYOUT_CACHE_SIZE = env.int("LAYOUT_CACHE_SIZE", default=2000)

# Celery (worker/celery.py reads every CELERY_* setting).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host: kombu warns without one
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # embedded: tasks run in-process, after commit
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# With Redis down, queueing gives up within seconds (the request or webhook that paid the
# order must not hang); the owed email stays in the outbox and the sweep queues it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_IGNORE_RESULT = True  # tasks record their outcome in the database
CELERY_RESULT_EXPIRES = 86400

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth).
ACCOUNT_ADAPTER = "accounts.adapter.ShopAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None  # email only: no user names anywhere
# Confirming the email in the browser that signed up signs the shopper in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# A new account must confirm its email before it can sign in and see its orders.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address; a new one takes effect once confirmed
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the old address about changes
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/m/ip,5/5m/key",  # the 6th wrong password in a minute is refused
    "signup": "10/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # reset links work for two hours
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
LOGIN_REDIRECT_URL = "accounts:orders"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_TOLERANCE = 1  # accept the codes next to the current one: phones drift by seconds
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify, and are upgraded to Argon2 at the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# The shop's languages: English (the default, URLs without a prefix) and German under /de/.
# A third language: add it here, translate locale/<code>/LC_MESSAGES/django.po (README,
# "Accessibility and languages") and its model fields appear with the next migration.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# Catalog names and descriptions per language (django-modeltranslation: a column per
# language beside the original, registered in each app's translation.py); a field left
# empty in German reads the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A name written through code while German is active (the CSV import run from a German
# admin) also fills the English one when it is empty: English, the fallback, is never blank.
MODELTRANSLATION_AUTO_POPULATE = "default"
# The shop's time zone: dates on pages, emails and the admin are shown in it (stored in UTC).
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# The shop's own catalog (`make messages` writes locale/en/LC_MESSAGES/django.po from every
# marked string; copy it to locale/<language>/ to translate). allauth's English wording is
# accounts/allauth_voice's.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Product image renditions (srcset widths, WebP and JPEG), made once when an image is saved
# and kept in the media storage beside the originals (shop/catalog/images.py).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "shop.catalog.images.GenerateOnSave"
IMAGEKIT_CACHEFILE_DIR = "renditions"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Media on S3-compatible object storage (django-storages) when a bucket is named, so every web
# node and worker sees the same images and renditions; the local disk (MEDIA_ROOT) otherwise.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Empty: Amazon S3 itself; else another S3 service (MinIO, R2, a local test one).
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Empty: boto3 finds the credentials itself (AWS_ACCESS_KEY_ID and
            # AWS_SECRET_ACCESS_KEY in the environment, or the machine's role).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # A CDN or the bucket's public name, for the URLs in pages.
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            # The custom domain's scheme ("http:" only for a local test endpoint).
            "url_protocol": env.str("AWS_S3_URL_PROTOCOL", default="https:"),
            "location": env.str("AWS_LOCATION", default="media"),
            # Product images are public: plain URLs (cacheable), not signed ones that expire.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
            "default_acl": None,
        },
    }

# Email: EMAIL_URL (parsed by django-environ, with our scheme names kept), else EMAIL_HOST...,
# else the console.
EMAIL_SCHEMES = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
environ.Env.EMAIL_SCHEMES = {**environ.Env.EMAIL_SCHEMES, **EMAIL_SCHEMES}
EMAIL_TIMEOUT = 20
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    _email = environ.Env.email_url_config(_email_url)
    _scheme = _email_url.split(":", 1)[0].lower()
    # Our names since the first release: smtps is implicit TLS (port 465), like smtp+ssl;
    # file:///var/mail is an absolute path; ?timeout=N sets the SMTP timeout.
    if _scheme == "smtps":
        _email.update(EMAIL_USE_TLS=False, EMAIL_USE_SSL=True)
    if _scheme.startswith("smtp"):
        _email["EMAIL_PORT"] = _email["EMAIL_PORT"] or (465 if _email.get("EMAIL_USE_SSL") else 587)
        _email["EMAIL_HOST"] = _email["EMAIL_HOST"] or "localhost"
    _email["EMAIL_FILE_PATH"] = "/" + _email["EMAIL_FILE_PATH"] if _scheme == "file" else None
    EMAIL_TIMEOUT = int((_email.pop("OPTIONS", None) or {}).get("TIMEOUT", EMAIL_TIMEOUT))
    globals().update({name: value for name, value in _email.items() if value is not None})
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
elif DEBUG:
    # The demo: each email is kept as a file and read at /dev/emails/ (shop/dev_emails.py).
    EMAIL_BACKEND = "shop.dev_emails.DevEmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEV_EMAIL_DIR = BASE_DIR / "var" / "emails"

# The shop.
SHOP_NAME = env.str("SHOP_NAME", default="") or "Northwind Goods"
MFA_TOTP_ISSUER = SHOP_NAME
SHOP_CURRENCY = (env.str("SHOP_CURRENCY", default="") or "USD").upper()
# Where the shop is: the country a checkout starts with (ISO 3166-1 alpha-2).
SHOP_COUNTRY = (env.str("SHOP_COUNTRY", default="") or "US").upper()
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="") or f"{SHOP_NAME} <shop@example.com>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
RESERVATION_MINUTES = env.int("RESERVATION_MINUTES", default=15)
# A declined card is followed by a reminder email this long after, if the order is still
# unpaid (and at the latest a few minutes before the stock hold ends).
PAYMENT_REMINDER_MINUTES = env.int("PAYMENT_REMINDER_MINUTES", default=30)
# Whether catalog prices already include tax (EU, UK, AU style) or tax is added at checkout.
PRICES_INCLUDE_TAX = env.bool("PRICES_INCLUDE_TAX", default=False)
# Where shoppers reach the shop: every link in an email (ours and allauth's) is built on it.
# `make run` derives it from HOST and PORT; production must set it, over HTTPS.
SHOP_URL = env.str("SHOP_URL", default="").rstrip("/")
if not DEBUG and not SHOP_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "SHOP_URL must be set to the shop's public https:// address when DEBUG is off "
        "(e.g. SHOP_URL=https://shop.example.com): links in emails are built on it."
    )
SHOP_URL = SHOP_URL or "http://127.0.0.1:8000"
ORDER_LINK_MAX_AGE_DAYS = env.int("ORDER_LINK_MAX_AGE_DAYS", default=90)
# Who gets the low-stock digest; empty: every active staff member with an email address.
MERCHANT_EMAILS = env.list("MERCHANT_EMAILS", default=[])
LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=5)
ADMIN_URL = (env.str("ADMIN_URL", default="") or "admin/").strip("/") + "/"

# Emails that bring shoppers back (reminders/): back-in-stock alerts and abandoned carts.
# A sign-up for a back-in-stock alert lasts this many days.
BACK_IN_STOCK_ALERT_DAYS = env.int("BACK_IN_STOCK_ALERT_DAYS", default=90)
# When a variant comes back, this many alerts are emailed per unit to sell (2: 6 emails for 3
# units, never 5,000), first come first served; the next batch waits BACK_IN_STOCK_BATCH_MINUTES
# and goes only if stock remains. BACK_IN_STOCK_MAX_BATCH caps a batch (for unlimited stock).
BACK_IN_STOCK_BATCH_MULTIPLE = env.float("BACK_IN_STOCK_BATCH_MULTIPLE", default=2.0)
BACK_IN_STOCK_BATCH_MINUTES = env.int("BACK_IN_STOCK_BATCH_MINUTES", default=60)
BACK_IN_STOCK_MAX_BATCH = env.int("BACK_IN_STOCK_MAX_BATCH", default=500)
# Sign-ups allowed per network address and per email address (shop/ratelimits.py rates).
BACK_IN_STOCK_SIGNUP_RATE = env.str("BACK_IN_STOCK_SIGNUP_RATE", default="10/h")
# Gift card codes looked up (applied or checked), per network address and per session.
GIFT_CARD_LOOKUP_RATE = env.str("GIFT_CARD_LOOKUP_RATE", default="20/h")
# A cart with a known email is reminded after this many idle hours, at most
# ABANDONED_CART_REMINDERS times, ABANDONED_CART_SPACING_HOURS apart; its link restores it for
# ABANDONED_CART_LINK_DAYS. ABANDONED_CART_VOUCHER_PERCENT above 0 puts a single-use code of
# that many percent off in the last reminder (off by default).
ABANDONED_CART_DELAY_HOURS = env.float("ABANDONED_CART_DELAY_HOURS", default=10.0)
ABANDONED_CART_REMINDERS = env.int("ABANDONED_CART_REMINDERS", default=2)
ABANDONED_CART_SPACING_HOURS = env.float("ABANDONED_CART_SPACING_HOURS", default=24.0)
ABANDONED_CART_LINK_DAYS = env.int("ABANDONED_CART_LINK_DAYS", default=7)
ABANDONED_CART_VOUCHER_PERCENT = env.int("ABANDONED_CART_VOUCHER_PERCENT", default=0)
# Countries (ISO 3166-1 alpha-2, by the checkout address) where a cart reminder needs the
# shopper's opt-in at checkout: the EU's 27 by default. A cart with no address counts as one.
MARKETING_CONSENT_COUNTRIES = env.list(
    "MARKETING_CONSENT_COUNTRIES",
    default=[
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ],
)  # fmt: skip
PRODUCTS_PER_PAGE = 12

# Reviews (reviews/): read by the merchant before they are published unless turned off; the
# "review what you bought" email this many days after delivery, its link valid this long.
REVIEWS_MODERATION = env.bool("REVIEWS_MODERATION", default=True)
REVIEW_REQUEST_DAYS = env.int("REVIEW_REQUEST_DAYS", default=7)
REVIEW_LINK_DAYS = env.int("REVIEW_LINK_DAYS", default=60)
REVIEWS_PER_PAGE = 10
# How long after delivery a shopper may ask to return an order (returns/rules.py).
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
# The most products one wishlist keeps (wishlists/).
WISHLIST_MAX_ITEMS = 200

# The API (shop/api/main.py mounts each app's api.py): throttles per network address and per
# signed-in shopper, counted in the shared cache; the largest page a list gives; the origins
# whose pages may call it from a browser (CORS; none by default: apps and servers need no CORS).
API_THROTTLE_PER_IP = env.str("API_THROTTLE_PER_IP", default="300/m")
API_THROTTLE_PER_USER = env.str("API_THROTTLE_PER_USER", default="600/m")
API_MAX_PAGE_SIZE = 100
# How many proxies in front of the shop append to X-Forwarded-For (nginx: 1); 0 trusts only
# the connection's address.
NINJA_NUM_PROXIES = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = NINJA_NUM_PROXIES
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api/v1|_allauth)/.*$"
CORS_ALLOW_CREDENTIALS = True  # a listed origin's page may use its shopper's session
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-csrftoken",
    "x-requested-with",
    "x-session-token",
)
CORS_EXPOSE_HEADERS = ("retry-after", "x-request-id")
# The API's sign-in (allauth.headless): the shop's pages stay (not headless only); apps get
# session tokens; the specification of allauth's own endpoints is served at /_allauth/.
HEADLESS_ONLY = False
HEADLESS_SERVE_SPECIFICATION = True
DEFAULT_CURRENCY = SHOP_CURRENCY  # django-money's default for new Money fields
CURRENCIES = (SHOP_CURRENCY,)

# Stripe. With no keys set the shop talks to the local emulator with its test keys.
STRIPE_EMULATOR_URL = "http://127.0.0.1:8420"
_stripe_secret = env.str("STRIPE_SECRET_KEY", default="")
if _stripe_secret:
    STRIPE_SECRET_KEY = _stripe_secret
    STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
else:
    STRIPE_SECRET_KEY = "sk_test_emulator"
    STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="") or "pk_test_emulator"
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="") or "whsec_emulator"
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default=STRIPE_EMULATOR_URL)


def _is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# The emulator bridge and Stripe.js stand-in exist only while the API base is a local emulator.
STRIPE_EMULATED = bool(STRIPE_API_BASE) and _is_loopback(STRIPE_API_BASE)
if STRIPE_API_BASE and not STRIPE_EMULATED:
    raise ImproperlyConfigured("STRIPE_API_BASE may only point at a local emulator (loopback).")
if STRIPE_EMULATED and (
    STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))
    or STRIPE_PUBLISHABLE_KEY.startswith("pk_live_")
):
    raise ImproperlyConfigured("Live Stripe keys cannot be used with a local emulator.")
if not STRIPE_SECRET_KEY.startswith(("sk_", "rk_")) or not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured(
        "STRIPE_SECRET_KEY must be a Stripe secret key and STRIPE_WEBHOOK_SECRET must be set."
    )

# Security. These are on whenever DEBUG is off; `manage.py check --deploy` reports nothing.
# Behind a load balancer that terminates TLS, requests arrive over plain HTTP: the balancer's
# X-Forwarded-Proto says what the shopper used. Trusted only when TRUST_X_FORWARDED_PROTO is
# on (and then the balancer must overwrite the header, never pass on a client's).
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Turning preload off is a deliberate choice for a shop that cannot commit to HTTPS forever.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or DEBUG else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
MESSAGE_STORAGE = "shop.messages.RecentMessagesStorage"
# A load balancer checks these, and Prometheus scrapes each node's /metrics, over plain HTTP
# inside the network (/metrics stays behind METRICS_TOKEN or METRICS_ALLOWED_NETWORKS).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
CSRF_FAILURE_VIEW = "shop.errors.csrf_failure"


def _media_origins() -> list[str]:
    """Where images come from when media is on object storage: the page's img-src allows it."""
    if not AWS_STORAGE_BUCKET_NAME:
        return []
    options = STORAGES["default"]["OPTIONS"]
    if options["custom_domain"]:
        return [f"{options['url_protocol']}//{options['custom_domain']}"]
    if options["endpoint_url"]:
        return [options["endpoint_url"].rstrip("/")]
    return [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com", "https://*.amazonaws.com"]


MEDIA_ORIGINS = _media_origins()

# Content Security Policy (django-csp): our own scripts and Stripe's, nothing inline, no
# framing. Stripe's Payment Element and the admin set styles inline; scripts never are.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "https://js.stripe.com"],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https://*.stripe.com"]
        + ([MEDIA_URL] if MEDIA_URL.startswith("http") else [])
        + MEDIA_ORIGINS,
        "font-src": [SELF],
        "connect-src": [SELF, "https://api.stripe.com"],
        "frame-src": [SELF, "https://js.stripe.com", "https://hooks.stripe.com"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Metrics (shop/metrics.py): /metrics for Prometheus, with a token or from these networks.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])

# Errors to Sentry when SENTRY_DSN is set (a no-op otherwise), without personal data.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from shop.error_reports import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Logs: one line per event on the console. Under `make run` (DEBUG) the console says what a
# newcomer needs: one line per page request, warnings and errors, no library chatter.
LOG_LEVEL = env.str("LOG_LEVEL", default="") or ("WARNING" if DEBUG else "INFO")
# "json" (one JSON object per line, for a log collector) by default in production; "plain"
# under `make run`. Every line carries the request id (shop/request_id.py), in tasks too.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "skip_assets": {"()": "shop.log_filters.SkipAssetRequests"},
        "request_id": {"()": "shop.request_id.RequestIdFilter"},
        "client_mistake": {"()": "shop.log_filters.ClientMistakeAsWarning"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"
            if DEBUG  # `make run`: short lines for a person
            else "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "request": {"format": "  {server_time}  {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        },
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "request",
            "filters": ["skip_assets", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers would print each line a second time through the root's.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["requests"], "level": "INFO", "propagate": False},
        # A 404 is already in the request line; errors still show with their traceback.
        "django.request": {"level": "ERROR" if DEBUG else "WARNING"},
        "django.db.backends": {"level": "INFO"},
        "stripe": {"level": "WARNING"},
        # An oversized or over-long request: the client's mistake, one warning line.
        **{
            f"django.security.{error}": {"filters": ["client_mistake"]}
            for error in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent")
        },
    },
}
