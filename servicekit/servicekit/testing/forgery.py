"""Forged tokens every verifier must refuse, each derived from a valid access token: used by
the auth service's own tests of its token check and by the end-to-end tests of the gateway."""


def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_json(value: dict) -> str:
    import json

    return _b64url(json.dumps(value, separators=(",", ":")).encode())


FORGERIES = (
    "alg_none",
    "hs256_signed_with_public_key",
    "expired",
    "wrong_audience",
    "wrong_issuer",
    "tampered_payload",
    "signed_by_another_key",
    "garbage",
)


def forged_tokens(valid_access: str, *, private_key_pem: str, public_key_pem: str) -> dict[str, str]:
    """Tokens an attacker might try, each derived from a valid access token.

    Every one must be refused: no signature, HMAC keyed with the public key (algorithm
    confusion), expired, wrong audience, wrong issuer, a payload edited after signing, and a
    signature by a key that is not ours.
    """
    import hashlib
    import hmac
    import time

    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    header = jwt.get_unverified_header(valid_access)
    claims = jwt.decode(valid_access, options={"verify_signature": False})
    now = int(time.time())

    def signed(changes: dict, key: str = private_key_pem) -> str:
        return jwt.encode({**claims, **changes}, key, algorithm="RS256", headers={"kid": header["kid"]})

    unsigned = f"{_b64url_json({'alg': 'none', 'typ': 'JWT'})}.{_b64url_json(claims)}."
    hs_header = _b64url_json({"alg": "HS256", "typ": "JWT", "kid": header["kid"]})
    hs_body = f"{hs_header}.{_b64url_json({**claims, 'is_staff': True})}"
    hs_signature = _b64url(hmac.new(public_key_pem.encode(), hs_body.encode(), hashlib.sha256).digest())
    head, _, signature = valid_access.split(".")
    tampered = f"{head}.{_b64url_json({**claims, 'is_staff': True, 'is_superuser': True})}.{signature}"
    other_key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    return {
        "alg_none": unsigned,
        "hs256_signed_with_public_key": f"{hs_body}.{hs_signature}",
        "expired": signed({"iat": now - 3600, "exp": now - 600}),
        "wrong_audience": signed({"aud": "another-shop"}),
        "wrong_issuer": signed({"iss": "https://issuer.invalid"}),
        "tampered_payload": tampered,
        "signed_by_another_key": signed({}, key=other_key),
        "garbage": "not-a-jwt",
    }
