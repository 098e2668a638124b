from .ca import pki  # noqa: F401 (the fixture)
