"""A software WebAuthn authenticator (ES256, "none" attestation, resident keys) for the integration tests: it
answers the panel's options exactly as a browser's navigator.credentials would, as the JSON the login and
settings pages send back (PublicKeyCredential.toJSON)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    count: int = 0


@dataclass
class SoftAuthenticator:
    origin: str = "http://localhost:3000"
    credentials: list[Credential] = field(default_factory=list)
    #: Whether the authenticator verifies the user (a screen lock): passwordless sign-in requires it.
    verifies_user: bool = True

    def _flags(self, attested: bool) -> int:
        return 0x01 | (0x04 if self.verifies_user else 0) | (0x40 if attested else 0)

    def _client_data(self, kind: str, challenge: str, origin: str | None = None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin}).encode()

    def create(self, options_json: str) -> str:
        options = json.loads(options_json)
        rp_id, handle = options["rp"]["id"], unb64url(options["user"]["id"])
        cred = Credential(id=os.urandom(32), key=ec.generate_private_key(ec.SECP256R1()), rp_id=rp_id,
                          user_handle=handle)  # fmt: skip
        numbers = cred.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([self._flags(attested=True)])
            + struct.pack(">I", 0)
            + bytes(16)
            + struct.pack(">H", len(cred.id))
            + cred.id
            + cose
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        self.credentials.append(cred)
        return json.dumps(
            {
                "id": b64url(cred.id),
                "rawId": b64url(cred.id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(self._client_data("webauthn.create", options["challenge"])),
                    "attestationObject": b64url(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(self, options_json: str, *, credential: Credential | None = None, origin: str | None = None) -> str:
        options = json.loads(options_json)
        allowed = {c["id"] for c in options.get("allowCredentials") or []}
        cred = credential or next(c for c in self.credentials if not allowed or b64url(c.id) in allowed)
        cred.count += 1
        auth_data = (
            hashlib.sha256(cred.rp_id.encode()).digest()
            + bytes([self._flags(attested=False)])
            + struct.pack(">I", cred.count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = cred.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": b64url(cred.id),
                "rawId": b64url(cred.id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature),
                    "userHandle": b64url(cred.user_handle),
                },
                "clientExtensionResults": {},
            }
        )
