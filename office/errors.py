"""Refusals the use cases raise, carrying what was wrong; the command line turns them into exit code 1,
the portal into a 4xx page with the message next to the field."""

from __future__ import annotations


class Refused(Exception):
    """The request was refused and nothing was written. ``field`` names the input that was wrong (an option,
    a form field, a criterion) when there is one."""

    def __init__(self, message: str, field: str | None = None):
        self.message, self.field = message, field
        super().__init__(message)


class NotFound(Refused):
    """What the request names does not exist (a unit, a period's scores, a plan, a campaign)."""


class Conflict(Refused):
    """What the request acts on was changed by another request just before it (a form submitted while its draft
    was being saved): the portal answers 409, the page read again shows what is there now."""


class Forbidden(Exception):
    """The person asking may not do this (another unit's data, another role's work)."""

    def __init__(self, message: str = "không có quyền thực hiện thao tác này"):
        self.message = message
        super().__init__(message)
