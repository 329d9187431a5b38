"""Settings for the test suite: the project's settings, with a fast password hasher.

Passwords hashed with PBKDF2 cost most of the suite's time in users signing in; MD5 is fine
for throwaway test users (as healthchecks and pretalx do).
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One process: the cache in memory (production shares one table, CACHE_URL); the query counts
# the tests pin are then the pages' own. tests/test_shared_cache.py tests the database cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
