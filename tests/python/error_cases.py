"""The check every error-id table runs: the trigger raises a chiso error with this id, its
message starts with the `[chiso.<id>]` prefix and names the place."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from chiso import ChisoError


def check_error(error_id: str, trigger: Callable[[], Any], place: str) -> None:
    with pytest.raises(ChisoError) as caught:
        trigger()
    assert caught.value.id == error_id, str(caught.value)
    assert str(caught.value).startswith(f"[chiso.{error_id}]"), str(caught.value)
    assert place in str(caught.value), str(caught.value)
