"""A framework's words for the library's settings, which every error is said in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Spelling(NamedTuple):
    """A framework's words for the library's settings, by their stable codes
    (``_native.setting_codes()``: ``max_size``, ``same_site``, ...): every error the engine
    raises or reports names settings this way. A setting the framework has no name for is
    said by its code."""

    #: Code -> the framework's name (``max_size`` -> ``CHUNKED_SESSION_MAX_SIZE``).
    names: Mapping[str, str]
    #: Code -> what to do when that setting is required and missing, or holds a key that
    #: cannot be used.
    advice: Mapping[str, str]
    #: The framework's names of the package's own settings, which the library's setting
    #: codes do not cover (the revocation store's: ``registry``, ``namespace``,
    #: ``staleness_bound``, ``startup_wait``, ``timeout``, ``policy``).
    extra: Mapping[str, str] = {}
