"""Flash messages that cannot pile up.

A shopper reads their messages on the next page. A client that posts again and again without
reading them (a script, a double-clicking user, a bot) would otherwise grow them without end:
first the cookie, then the session behind it, decoded and encoded on every request. Only the
latest few are kept.
"""

from django.contrib.messages.storage.fallback import FallbackStorage

KEEP = 5


class RecentMessagesStorage(FallbackStorage):
    def _store(self, messages, response, *args, **kwargs):
        return super()._store(messages[-KEEP:], response, *args, **kwargs)
