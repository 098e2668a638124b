"""Django's SQLite backend, told how many query parameters today's SQLite takes.

Django 5.2 assumes the 999 of SQLite before 3.32, so a bulk write of a few hundred scores is cut into
several statements; SQLite 3.32 and newer (Debian 12 has 3.40) take 32,766. With the real limit a
sheet saves in the same number of queries whatever the size of its rubric.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features

if sqlite3.sqlite_version_info < (3, 32):  # pragma: no cover - older systems keep Django's limit
    MAX_QUERY_PARAMS = 999
else:
    MAX_QUERY_PARAMS = 32766


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = MAX_QUERY_PARAMS


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
