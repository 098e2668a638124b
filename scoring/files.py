"""Files on the floor: storing one so that a full disk leaves nothing behind."""

import errno

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage

FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class StorageFailed(ValidationError):
    """The server could not write a file; the message is Vietnamese and says what the user can do."""

    def __init__(self, exc: OSError):
        if exc.errno in FULL:
            message = "Máy chủ hết chỗ lưu tệp nên chưa lưu được; xin báo cho quản trị rồi thử lại sau."
        else:
            message = "Máy chủ không ghi được tệp nên chưa lưu được; xin báo cho quản trị rồi thử lại sau."
        super().__init__(message, code="storage")


def store(storage: Storage, name: str, content) -> str:
    """Save `content` under `name` (or the free name next to it); on a failed write, whatever part of the
    file reached the disk is removed and `StorageFailed` says why."""
    name = storage.get_available_name(name)
    try:
        return storage.save(name, content)
    except OSError as exc:
        try:
            if storage.exists(name):  # a half-written file: the storage writes in place
                storage.delete(name)
        except OSError:
            pass
        raise StorageFailed(exc) from exc
