"""Encryption at rest for platform credentials (MultiFernet: the first key encrypts)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _keys() -> list[Fernet]:
    keys = list(settings.PRESSROOM_CREDENTIAL_KEYS)
    if not keys:
        # Without configured keys, derive one from SECRET_KEY so development just works.
        digest = hashlib.sha256(("pressroom-credentials:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return [Fernet(key.encode() if isinstance(key, str) else key) for key in keys]


def fernet() -> MultiFernet:
    return MultiFernet(_keys())


def encrypt_json(value: dict[str, Any]) -> str:
    return fernet().encrypt(json.dumps(value).encode()).decode()


def decrypt_json(token: str) -> dict[str, Any]:
    if not token:
        return {}
    data: dict[str, Any] = json.loads(fernet().decrypt(token.encode()))
    return data


def rotate(token: str) -> str:
    """Re-encrypt with the newest key (MultiFernet.rotate)."""
    return fernet().rotate(token.encode()).decode()


def generate_key() -> str:
    return Fernet.generate_key().decode()
