"""Phone numbers as the allowlist stores and compares them: E.164 strings.

Everything is parsed with ``phonenumbers`` and a default region of US, the region of most
protected support lines: ``1-800-OK-CANON``, ``(800) 474-6836`` and ``+1 800 474 6836`` all
become ``+18004746836``, and a leading ``+`` selects any other country.
"""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "US"

_ERROR_CODE = re.compile(r"^\(\d+\)\s*")  # phonenumbers prefixes messages with "(code) "


class NumberError(ValueError):
    """A value that is not a valid phone number; the message says why."""


def parse_e164(value: str) -> str:
    """The E.164 form of a valid phone number, or :class:`NumberError`."""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as err:
        raise NumberError(f"does not parse as a phone number: {_reason(err)}") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        raise NumberError(f"is not a valid phone number (read as {e164})")
    return e164


def query_e164(query: str) -> str | None:
    """The E.164 form of anything that parses as a number (valid or not), else ``None``.

    Lookups are lenient where the loader is strict: an invalid number still has an E.164
    spelling worth reporting as "not in the allowlist".
    """
    try:
        number = phonenumbers.parse(query, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _reason(err: phonenumbers.NumberParseException) -> str:
    return _ERROR_CODE.sub("", str(err)).rstrip(".").lower()
