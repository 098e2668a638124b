"""Logging pieces that must load before Django's apps: the request id and the JSON formatter."""

import contextvars
import json
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Every log record carries the id of the request it was written during."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the security log's records."""

    def format(self, record):
        data = getattr(record, "security", None) or {"message": record.getMessage()}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)
