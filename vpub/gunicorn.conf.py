"""gunicorn for one app server: `gunicorn -c vpub/gunicorn.conf.py` (docs/operations.md, scripts/loadtest.py).

Sync workers, 2 × cores + 1: a request is CPU-bound Python (forms, totals, rendering) and holds the GIL, so
threads in one process only queue behind each other, and a keep-alive client stays pinned to one of them.
Processes use every core; the extra ones cover the time a request waits on PostgreSQL. nginx in front
buffers slow clients and uploads, which is what sync workers need. Every value can be set from the
environment (GUNICORN_*).
"""

import multiprocessing
import os

wsgi_app = "vpub.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# The bloc's tables are background jobs now; one agency's documents are still made in the request. nginx: 130 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after about 2,000 requests, at different moments (jitter), so that memory a library
# keeps (WeasyPrint's fonts, openpyxl) cannot grow without end and the workers never restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load Django once in the master: workers start (and restart) in milliseconds and share its memory. No
# database connection is opened at import time, so none is shared across the fork.
preload_app = True
# Behind nginx: read X-Forwarded-Proto from it (Django's SECURE_PROXY_SSL_HEADER does the same).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn ≥ 25 opens a control socket for `gunicornc` by default, at one path per user
# (~/.gunicorn/gunicorn.ctl): a second server, a load test or a probe on the same machine would take it over.
# Off; GUNICORN_CONTROL_SOCKET gives an instance a socket of its own (one path per instance).
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
accesslog = None
errorlog = "-"
