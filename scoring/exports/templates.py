"""The documents' own template engine.

The site's engine imports every installed app's template tags the first time it renders anything (the
admin's, crispy forms', ours for the pages): a process that exports one sheet paid for all of them. The
documents (templates/documents/) load only `vn`, and are rendered without a request, so an engine with the
same directory, debug setting and escaping, and that one library, writes the same HTML.
"""

from functools import cache

from django.conf import settings
from django.template import Engine

LIBRARIES = {"vn": "scoring.templatetags.vn"}


@cache
def _engine() -> Engine:
    return Engine(dirs=[settings.BASE_DIR / "templates"], libraries=LIBRARIES, debug=settings.DEBUG)


def render_to_string(name: str, context: dict) -> str:
    return _engine().render_to_string(name, context)
