"""One line per validation error, naming the dotted ``params.yaml`` key the user wrote."""

from __future__ import annotations

import re
from typing import Any

_UNION_TAG = re.compile(
    r"^(constrained-)?(int|float|str|bool|list|dict|none|literal|function-\w+)(\[.*\])?$|^[A-Z]\w*$")
"""Names pydantic puts into an error's location for the member of a union that failed (``constrained-int``,
``literal['all','fill']``, ``SearchRange``) and for a mapping's key (``[key]``): internal, not keys of params.yaml."""


def format_error(error: dict[str, Any]) -> str:
    """``key.path: message (got value)`` from one pydantic error."""
    key = ".".join(str(part) for part in error["loc"]
                   if not (isinstance(part, str) and (_UNION_TAG.match(part) or part == "[key]")))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (misspelt?)"
    elif error["type"] != "value_error" and "input" in error and not isinstance(error["input"], dict):
        message = f"{message} (got {error['input']!r})"
    return f"{key}: {message}" if key else message
