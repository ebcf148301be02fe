"""Encryption of personal data at rest (ID numbers, phones) and keyed hashes for lookup.

A stored value is a text token::

    fe1$<key id>$<cipher name>$<urlsafe base64 of nonce || ciphertext || tag>

The token names its key and cipher, so values written before a key rotation or a
cipher change (AES-GCM → SM4-GCM) stay readable; ``rotate_field_keys`` rewrites them.
The associated data binds the token header and a caller-given ``context`` (e.g.
"people.Person.id_number"), so a token copied into another field or into another
header fails to decrypt.

Keys come from settings (environment variables, see the settings module):

- FIELD_ENCRYPTION_KEYS         "id1:base64key,id2:base64key"
- FIELD_ENCRYPTION_ACTIVE_KEY   the id new values are written with (default: the last)
- FIELD_ENCRYPTION_CIPHER       "aes-gcm" (32-byte keys) or "sm4-gcm" (16-byte keys)
- FIELD_HASH_KEY                base64 HMAC key of the blind index, never rotated
                                casually: every stored index would have to be recomputed
- FIELD_ENCRYPTION_DEV_KEYS     allow keys derived from SECRET_KEY when none are set
                                (default: settings.DEBUG)
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

TOKEN_VERSION = "fe1"  # noqa: S105 — a format tag, not a secret
TOKEN_PREFIX = TOKEN_VERSION + "$"
NONCE_SIZE = 12
TAG_SIZE = 16
HASH_KEY_MIN_SIZE = 32
DEV_KEY_ID = "dev"
KEY_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")

_SETTINGS = frozenset(
    {
        "FIELD_ENCRYPTION_KEYS",
        "FIELD_ENCRYPTION_ACTIVE_KEY",
        "FIELD_ENCRYPTION_CIPHER",
        "FIELD_HASH_KEY",
        "FIELD_ENCRYPTION_DEV_KEYS",
        "DEBUG",
        "SECRET_KEY",
    }
)


class DecryptionError(ValueError):
    """A token that cannot be decrypted. The message names the key id and context only."""


# --- ciphers ------------------------------------------------------------------------


class FieldCipher(ABC):
    """An AEAD cipher: blob = nonce || ciphertext || tag, with a fresh random nonce."""

    name: str
    key_size: int

    @abstractmethod
    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """ciphertext || tag under an explicit nonce (known-answer tests only)."""

    @abstractmethod
    def unseal(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        """Plaintext of ciphertext || tag; raises InvalidTag when it does not verify."""

    def check_key(self, key: bytes) -> None:
        if len(key) != self.key_size:
            raise ValueError(f"{self.name} needs a {self.key_size}-byte key, not {len(key)}")

    def encrypt(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        self.check_key(key)
        # 96-bit random nonces: safe for far more than 2**32 values per key.
        nonce = os.urandom(NONCE_SIZE)
        return nonce + self.seal(key, nonce, plaintext, aad)

    def decrypt(self, key: bytes, blob: bytes, aad: bytes) -> bytes:
        self.check_key(key)
        if len(blob) < NONCE_SIZE + TAG_SIZE:
            raise InvalidTag()
        return self.unseal(key, blob[:NONCE_SIZE], blob[NONCE_SIZE:], aad)


class AesGcmCipher(FieldCipher):
    name = "aes-gcm"
    key_size = 32

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return AESGCM(key).encrypt(nonce, plaintext, aad)

    def unseal(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        return AESGCM(key).decrypt(nonce, data, aad)


class Sm4GcmCipher(FieldCipher):
    """SM4 in GCM mode (GB/T 32907, RFC 8998), for deployments that require 国密."""

    name = "sm4-gcm"
    key_size = 16

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        data = encryptor.update(plaintext) + encryptor.finalize()
        return data + encryptor.tag

    def unseal(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        if len(data) < TAG_SIZE:
            raise InvalidTag()
        body, tag = data[:-TAG_SIZE], data[-TAG_SIZE:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(body) + decryptor.finalize()

    @staticmethod
    def available() -> bool:
        """The OpenSSL under cryptography may be built without SM4."""
        try:
            Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(NONCE_SIZE))).encryptor()
        except UnsupportedAlgorithm:
            return False
        return True


CIPHERS: dict[str, FieldCipher] = {c.name: c for c in (AesGcmCipher(), Sm4GcmCipher())}
KEY_SIZES = frozenset(c.key_size for c in CIPHERS.values())


# --- the key ring -------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class KeyRing:
    keys: dict[str, bytes]
    active_key_id: str
    cipher: FieldCipher
    hash_key: bytes

    def __repr__(self) -> str:  # never show key material (debug pages, logs)
        return (
            f"<KeyRing active={self.active_key_id} cipher={self.cipher.name} "
            f"ids={sorted(self.keys)}>"
        )


def _b64decode_key(text: str, what: str) -> bytes:
    text = text.strip()
    try:
        # Standard or urlsafe alphabet, padding optional: whatever the operator pasted.
        text = text.replace("-", "+").replace("_", "/")
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not valid base64") from None


def _derive_dev_key(purpose: bytes, length: int) -> bytes:
    # Deterministic so that a development database stays readable across restarts.
    return HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=b"fulian-field-encryption-dev",
        info=purpose + b"/" + str(length).encode(),
    ).derive(settings.SECRET_KEY.encode())


def _dev_keys_allowed() -> bool:
    # Settings may pin this at load time: test runners turn DEBUG off afterwards.
    allowed = getattr(settings, "FIELD_ENCRYPTION_DEV_KEYS", None)
    return bool(settings.DEBUG if allowed is None else allowed)


def _parse_keys(spec: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for position, entry in enumerate((e.strip() for e in spec.split(",")), start=1):
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID_RE.match(key_id):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS entry {position} must be 'id:base64key' with an id of "
                "letters, digits, '_', '.' or '-' (at most 32)"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS lists key id {key_id!r} twice")
        key = _b64decode_key(encoded, f"FIELD_ENCRYPTION_KEYS key {key_id!r}")
        if len(key) not in KEY_SIZES:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS key {key_id!r} is {len(key)} bytes; "
                "aes-gcm keys are 32 bytes and sm4-gcm keys 16"
            )
        keys[key_id] = key
    return keys


def _load_keyring() -> KeyRing:
    cipher_name = getattr(settings, "FIELD_ENCRYPTION_CIPHER", "") or "aes-gcm"
    cipher = CIPHERS.get(cipher_name)
    if cipher is None:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_CIPHER {cipher_name!r} is not one of {', '.join(sorted(CIPHERS))}"
        )
    if cipher is CIPHERS["sm4-gcm"] and not Sm4GcmCipher.available():
        raise ImproperlyConfigured("FIELD_ENCRYPTION_CIPHER is sm4-gcm but OpenSSL lacks SM4")

    dev = _dev_keys_allowed()
    keys = _parse_keys(getattr(settings, "FIELD_ENCRYPTION_KEYS", "") or "")
    active = getattr(settings, "FIELD_ENCRYPTION_ACTIVE_KEY", "") or ""
    if not keys:
        if not dev:
            raise ImproperlyConfigured(
                "Field encryption keys are missing: set FULIAN_FIELD_KEYS to "
                "'id:base64key' (aes-gcm: 32 random bytes, e.g. `openssl rand -base64 32`; "
                "sm4-gcm: 16) and FULIAN_FIELD_HASH_KEY to another 32 random bytes"
            )
        keys = {DEV_KEY_ID: _derive_dev_key(b"fulian field encryption key", cipher.key_size)}
        active = active or DEV_KEY_ID
    active = active or list(keys)[-1]
    if active not in keys:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_ACTIVE_KEY {active!r} is not in FIELD_ENCRYPTION_KEYS"
        )
    if len(keys[active]) != cipher.key_size:
        raise ImproperlyConfigured(
            f"active key {active!r} is {len(keys[active])} bytes; "
            f"{cipher.name} needs {cipher.key_size}"
        )

    encoded_hash_key = getattr(settings, "FIELD_HASH_KEY", "") or ""
    if encoded_hash_key:
        hash_key = _b64decode_key(encoded_hash_key, "FIELD_HASH_KEY")
    elif dev:
        hash_key = _derive_dev_key(b"fulian field blind index key", 32)
    else:
        raise ImproperlyConfigured(
            "FIELD_HASH_KEY is missing: set FULIAN_FIELD_HASH_KEY to 32 random bytes in base64 "
            "(a key of its own, not one of the encryption keys)"
        )
    if len(hash_key) < HASH_KEY_MIN_SIZE:
        raise ImproperlyConfigured(f"FIELD_HASH_KEY must be at least {HASH_KEY_MIN_SIZE} bytes")
    if any(hmac.compare_digest(hash_key, key) for key in keys.values()):
        raise ImproperlyConfigured("FIELD_HASH_KEY must differ from every encryption key")
    return KeyRing(keys=keys, active_key_id=active, cipher=cipher, hash_key=hash_key)


@functools.lru_cache(maxsize=1)
def get_keyring() -> KeyRing:
    return _load_keyring()


def reset_keyring() -> None:
    get_keyring.cache_clear()


@receiver(setting_changed)
def _reset_on_setting_changed(sender, setting, **kwargs):
    if setting in _SETTINGS:
        reset_keyring()


# --- tokens -------------------------------------------------------------------------


def _aad(key_id: str, cipher_name: str, context: str) -> bytes:
    # The header is authenticated too: relabelling a token's key or cipher breaks it.
    return f"{TOKEN_PREFIX}{key_id}${cipher_name}$".encode() + context.encode()


def _b64encode(blob: bytes) -> str:
    return base64.urlsafe_b64encode(blob).rstrip(b"=").decode("ascii")


def _split_token(token: str) -> tuple[str, str, str]:
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("not a field-encryption token")
    parts = token.split("$")
    if len(parts) != 4 or not parts[1] or not parts[2] or not parts[3]:
        raise DecryptionError("malformed field-encryption token")
    return parts[1], parts[2], parts[3]


def is_token(value) -> bool:
    """True for a well-formed token (whether or not it decrypts)."""
    try:
        _split_token(value)
    except DecryptionError:
        return False
    return True


def encrypt_text(plaintext: str, *, context: str) -> str:
    """A token of ``plaintext`` under the active key and cipher, bound to ``context``."""
    if not isinstance(plaintext, str):
        raise TypeError("encrypt_text takes a str")
    ring = get_keyring()
    key_id, cipher = ring.active_key_id, ring.cipher
    blob = cipher.encrypt(
        ring.keys[key_id], plaintext.encode("utf-8"), _aad(key_id, cipher.name, context)
    )
    return f"{TOKEN_PREFIX}{key_id}${cipher.name}${_b64encode(blob)}"


def decrypt_text(token: str, *, context: str) -> str:
    """The plaintext of ``token``, using the key and cipher the token names."""
    key_id, cipher_name, encoded = _split_token(token)
    ring = get_keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"token uses unknown key id {key_id!r}")
    cipher = CIPHERS.get(cipher_name)
    if cipher is None:
        raise DecryptionError(f"token uses unknown cipher {cipher_name!r}")
    try:
        blob = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        plaintext = cipher.decrypt(key, blob, _aad(key_id, cipher_name, context))
        return plaintext.decode("utf-8")
    except (InvalidTag, ValueError, binascii.Error):
        # Deliberately vague: tampering, a wrong context and a wrong key look the same.
        raise DecryptionError(
            f"token under key {key_id!r} ({cipher_name}) failed authentication "
            f"for context {context!r}: tampered, or copied from another field"
        ) from None


def token_key(token: str) -> tuple[str, str]:
    """(key id, cipher name) of a token."""
    key_id, cipher_name, _ = _split_token(token)
    return key_id, cipher_name


def active_prefix() -> str:
    """The header every token written now starts with."""
    ring = get_keyring()
    return f"{TOKEN_PREFIX}{ring.active_key_id}${ring.cipher.name}$"


def needs_rotation(token: str) -> bool:
    """True when the token's key or cipher is not the active one."""
    ring = get_keyring()
    return token_key(token) != (ring.active_key_id, ring.cipher.name)


# --- blind index --------------------------------------------------------------------


def _hmac_sha256(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash (64 hex) of ``value`` for exact-match lookup without decrypting.

    ``purpose`` separates indexes (an ID number and a phone never share a hash).
    Normalise ``value`` first (e.g. upper-case an ID number's check character).
    Empty values are refused: they would all collide and "match" each other.
    """
    if not value:
        raise ValueError("blind_index of an empty value: store NULL instead")
    if not purpose or "\x00" in purpose:
        raise ValueError("blind_index needs a purpose without NUL characters")
    message = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return _hmac_sha256(get_keyring().hash_key, message)


# --- self-test ----------------------------------------------------------------------

# Published vectors, checked against this library when written:
# AES-256-GCM: McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16.
# SM4-GCM: RFC 8998, appendix A.1.
# HMAC-SHA256: RFC 4231, test case 2.
_KNOWN_ANSWERS = {
    "aes-gcm": {
        "key": "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "nonce": "cafebabefacedbaddecaf888",
        "aad": "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "plaintext": "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "sealed": "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        "76fc6ece0f4e1768cddf8853bb2d551b",
    },
    "sm4-gcm": {
        "key": "0123456789abcdeffedcba9876543210",
        "nonce": "00001234567800000000abcd",
        "aad": "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "plaintext": "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
        "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
        "sealed": "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
        "83de3541e4c2b58177e065a9bf7b62ec",
    },
}
_HMAC_KNOWN_ANSWER = (
    b"Jefe",
    b"what do ya want for nothing?",
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
)


def _fail(what: str) -> None:
    raise ImproperlyConfigured(f"field encryption self-test failed: {what}")


def _known_answer_test(cipher: FieldCipher, vector: dict[str, str]) -> None:
    key, nonce, aad, plaintext, sealed = (
        bytes.fromhex(vector[k]) for k in ("key", "nonce", "aad", "plaintext", "sealed")
    )
    try:
        if cipher.seal(key, nonce, plaintext, aad) != sealed:
            _fail(f"{cipher.name} known-answer ciphertext mismatch")
        if cipher.decrypt(key, nonce + sealed, aad) != plaintext:
            _fail(f"{cipher.name} known-answer decryption mismatch")
    except (InvalidTag, ValueError, UnsupportedAlgorithm) as exc:
        _fail(f"{cipher.name} known-answer test raised {type(exc).__name__}")
    tampered = nonce + sealed[:-1] + bytes([sealed[-1] ^ 1])
    try:
        cipher.decrypt(key, tampered, aad)
    except InvalidTag:
        return
    _fail(f"{cipher.name} accepted a tampered tag")


def self_test() -> None:
    """Known-answer tests of both ciphers and HMAC, then a round trip with the configured
    keys. Raises ImproperlyConfigured on any mismatch (or on a bad key configuration)."""
    ring = get_keyring()
    for name, vector in _KNOWN_ANSWERS.items():
        if name == "sm4-gcm" and ring.cipher.name != name and not Sm4GcmCipher.available():
            continue  # SM4 is optional unless it is the configured cipher
        _known_answer_test(CIPHERS[name], vector)
    key, message, expected = _HMAC_KNOWN_ANSWER
    if _hmac_sha256(key, message) != expected:
        _fail("HMAC-SHA256 known-answer mismatch")

    sample, context = "自检 self-test 0123456789X", "core.crypto.self_test"
    try:
        token = encrypt_text(sample, context=context)
        if not token.startswith(active_prefix()) or decrypt_text(token, context=context) != sample:
            _fail("round trip with the active key mismatch")
    except DecryptionError:
        _fail("round trip with the active key did not decrypt")
    try:
        decrypt_text(token, context=context + ".other")
    except DecryptionError:
        pass
    else:
        _fail("a token decrypted under another context")
    index = blind_index(sample, purpose=context)
    if len(index) != 64 or index != blind_index(sample, purpose=context):
        _fail("blind index is not a stable 64-hex digest")
