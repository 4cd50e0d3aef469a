"""One setting's value read from a framework's configuration: its type checked, in whole
seconds or milliseconds, secrets and keys as bytes or text. A refused value is a
:class:`ConfigurationError` naming the setting as the framework does; whether a value is
in range, or a key can be used, is the Rust library's to judge."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Optional, Union

from ._errors import ConfigurationError

#: A key of the native formats: base64 text (what ``python -m chunked_cookie_session
#: keygen`` prints) or 32 or more raw random bytes (``os.urandom(32)``).
Key = Union[str, bytes]


def type_error(name: str, value: object, expected: str) -> ConfigurationError:
    return ConfigurationError(
        f"{name} is a {type(value).__name__}: it must be {expected}",
        code="invalid-type",
        settings=(name,),
    )


# A reader that refuses a value deletes it before it raises: a traceback keeps the locals of
# each of its frames, and error reporters show them; a key of the wrong type (a list of
# keys where one is expected) is still a key.

_KEY_TYPES = "a str (base64) or bytes (32 or more random bytes)"


def seconds(name: str, value: object) -> Optional[int]:
    """A duration (a ``timedelta`` or a number of seconds) in whole seconds, or ``None``."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        whole = int(value.total_seconds())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        whole = int(value)
    else:
        raise type_error(name, value, "a timedelta or a number of seconds")
    if whole < 0:
        raise ConfigurationError(
            f"{name} is {whole} seconds: a duration cannot be negative",
            code="out-of-range",
            settings=(name,),
        )
    return whole


def millis(name: str, value: object) -> Optional[int]:
    """A duration (a ``timedelta`` or a number of seconds, fractions too) in whole
    milliseconds, or ``None``."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        whole = value // timedelta(milliseconds=1)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        whole = round(value * 1000)
    else:
        raise type_error(name, value, "a timedelta or a number of seconds")
    if whole < 0 or whole >= 2**63:
        raise ConfigurationError(
            f"{name} is {value} seconds: a duration cannot be negative (or that long)",
            code="out-of-range",
            settings=(name,),
        )
    return whole


def secret(name: str, value: object) -> Optional[bytes]:
    """A secret or a salt (text is its UTF-8 bytes), or ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    error = type_error(name, value, "a str or bytes")
    del value
    raise error


def secrets(name: str, value: object) -> tuple[bytes, ...]:
    """A list of secrets (Flask's ``SECRET_KEY_FALLBACKS``); an empty one is ``b""``."""
    if value is None:
        return ()
    error = _list_error(name, value, "secrets", "a str or bytes", (str, bytes, bytearray))
    if error is None:
        assert isinstance(value, (list, tuple))
        return tuple(item.encode("utf-8") if isinstance(item, str) else bytes(item) for item in value)
    del value
    raise error


def key(name: str, value: object) -> Optional[Key]:
    """A key (base64 text or raw bytes), or ``None`` when it is empty or unset."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value) or None
    if value is None:
        return None
    error = type_error(name, value, _KEY_TYPES)
    del value
    raise error


def keys(name: str, value: object) -> tuple[Key, ...]:
    """A list of keys."""
    if value is None:
        return ()
    error = _list_error(name, value, "keys", _KEY_TYPES, (str, bytes, bytearray))
    if error is None:
        assert isinstance(value, (list, tuple))
        return tuple(item if isinstance(item, str) else bytes(item) or "" for item in value)
    del value
    raise error


def _list_error(
    name: str, value: object, what: str, expected: str, types: tuple[type, ...]
) -> Optional[ConfigurationError]:
    """Why `value` is not a list of `what` (each of `types`), if it is not."""
    if isinstance(value, (str, bytes, bytearray)):
        return ConfigurationError(
            f"{name} is a list of {what}, not one", code="invalid-type", settings=(name,)
        )
    if not isinstance(value, (list, tuple)):
        return type_error(name, value, f"a list of {what}")
    for i, item in enumerate(value):
        if not isinstance(item, types):
            return type_error(f"{name}[{i}]", item, expected)
    return None
