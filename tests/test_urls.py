"""Each wing's pages are in its own urls.py, all included by vpub/urls.py: no address is answered by a
pattern other than its own, so the order of the includes decides nothing."""

import re

from django.urls import URLResolver, get_resolver, resolve

SAMPLES = {"int": "7", "str": "ABC", "round": "so-ket-6-thang"}


def patterns(resolver: URLResolver, prefix: str = "", module: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from patterns(entry, prefix + str(entry.pattern), entry.urlconf_module.__name__)
        else:
            yield prefix + str(entry.pattern), entry, module


def sample(pattern: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m[1] or "", "MQ"), pattern)


def test_every_address_is_answered_by_its_own_pattern():
    found = list(patterns(get_resolver()))
    assert len(found) > 90
    for pattern, entry, _ in found:
        match = resolve(sample(pattern))
        assert (match.func, match.url_name) == (entry.callback, entry.name), pattern
