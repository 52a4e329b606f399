"""The ring of token-signing keys: one PEM file per RSA key in `JWT_KEYRING_DIR`.

The newest key signs; every key in the ring verifies and is published in the JWKS, each under
its `kid` (the RFC 7638 thumbprint). Rotation is two steps an operator takes
(`./manage_all.sh rotate-keys`, then `rotate-keys --retire` once the old key's access tokens
have expired): a new key is added and signs from then on, while tokens signed by the old one
keep working until the old key is retired (moved to `retired/`, no longer trusted).

Processes notice a change of the ring by the directory's mtime (one stat per use), so a
rotation needs no restart.
"""

import base64
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings


class KeyRingError(Exception):
    pass


@dataclass(frozen=True)
class SigningKey:
    kid: str
    created: int  # epoch seconds: the file's name
    private_pem: str
    public_pem: str
    jwk: dict


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _load(path: Path) -> SigningKey:
    private_pem = path.read_text()
    private_key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public_key = private_key.public_key()
    numbers = public_key.public_numbers()
    jwk = {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode()
    public_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return SigningKey(
        kid=kid,
        created=int(path.stem),
        private_pem=private_pem,
        public_pem=public_pem,
        jwk={**jwk, "kid": kid, "use": "sig", "alg": "RS256"},
    )


def ring_dir() -> Path:
    return Path(settings.JWT_KEYRING_DIR)


_cache: dict = {"mtime": None, "keys": ()}
_cache_lock = threading.Lock()


def trusted_keys() -> tuple[SigningKey, ...]:
    """Every trusted key, oldest first."""
    directory = ring_dir()
    try:
        mtime = (str(directory), directory.stat().st_mtime_ns)
    except FileNotFoundError:
        return ()
    with _cache_lock:
        if _cache["mtime"] != mtime:
            files = sorted(directory.glob("*.pem"), key=lambda p: int(p.stem))
            _cache["keys"], _cache["mtime"] = tuple(_load(p) for p in files if p.stem.isdigit()), mtime
        return _cache["keys"]


def signing_key() -> SigningKey:
    ring = trusted_keys()
    if not ring:
        raise KeyRingError(f"no signing key in {ring_dir()}: run ./manage_all.sh up or rotate-keys")
    return ring[-1]


def verifying_key(kid: str | None) -> str | None:
    return next((key.public_pem for key in trusted_keys() if key.kid == kid), None)


def add_key() -> SigningKey:
    """Generate a new key; it signs from now on."""
    directory = ring_dir()
    directory.mkdir(parents=True, exist_ok=True)
    created = max([int(time.time())] + [key.created + 1 for key in trusted_keys()])
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    staging = directory / f".{created}.pem.tmp"
    staging.write_bytes(pem)
    staging.chmod(0o600)
    os.replace(staging, directory / f"{created}.pem")  # appears whole, or not at all
    return _load(directory / f"{created}.pem")


def retire_old_keys(*, force: bool = False) -> list[SigningKey]:
    """Stop trusting every key but the newest. Refused (unless `force`) while access tokens
    signed by an older key may still be unexpired."""
    ring = trusted_keys()
    if len(ring) < 2:
        return []
    newest = ring[-1]
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds() + settings.SIMPLE_JWT["LEEWAY"]
    age = time.time() - newest.created
    if age < lifetime and not force:
        raise KeyRingError(
            f"the newest key is {age:.0f} s old; access tokens signed by older keys live up to "
            f"{lifetime:.0f} s: retire after that, or force it (their holders must sign in again)"
        )
    retired = ring_dir() / "retired"
    retired.mkdir(exist_ok=True)
    for key in ring[:-1]:
        os.replace(ring_dir() / f"{key.created}.pem", retired / f"{key.created}.pem")
    return list(ring[:-1])
