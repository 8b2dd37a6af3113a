"""The API key: every call must carry it in the ``Authorization`` header when one is set.

xlwings-server's own ``custom`` provider accepts a fixed test token; this one,
found first in the project folder, compares the header with the key given to
``negotiate serve`` (environment variable ``NEGOTIATE_API_KEY`` or ``--api-key-file``) in
constant time.  Without a key the provider is not enabled at all.
"""

import os
import secrets

from fastapi import HTTPException, status
from xlwings_server.models import User


async def validate_token(token_string: str) -> User:
    key = os.environ.get("NEGOTIATE_API_KEY", "")
    token = token_string.removeprefix("Bearer ").strip()
    if key and secrets.compare_digest(token.encode("utf-8"), key.encode("utf-8")):
        return User(id="negotiate", name="api-key holder")
    raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="missing or wrong API key")
