"""Field encryption: ciphers, key ring, tokens, blind index, self-test, fields, rotation."""

import base64
import hashlib
import hmac
import io
import re
import time

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps.registry import Apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.forms import TextInput

from fulian.core import crypto
from fulian.core.fields import BlindIndexField, EncryptedTextField
from fulian.core.management.commands import rotate_field_keys
from fulian.core.management.commands.rotate_field_keys import rotate_model_field


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


K1 = b64(bytes(range(32)))  # aes-gcm
K2 = b64(bytes(range(100, 132)))  # aes-gcm
S1 = b64(bytes(range(200, 216)))  # sm4-gcm
HASH = b64(bytes(range(50, 82)))
ID = "32120219800101123X"
CTX = "people.Person.id_number"
TOKEN_RE = re.compile(r"^fe1\$(?P<key>[\w.-]+)\$(?P<cipher>[a-z0-9-]+)\$(?P<body>[A-Za-z0-9_-]+)$")


@pytest.fixture(autouse=True)
def keys(settings):
    """Explicit keys for every test (pytest runs with DEBUG off, so no dev keys)."""
    settings.FIELD_ENCRYPTION_KEYS = f"k1:{K1},k2:{K2},s1:{S1}"
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "k1"
    settings.FIELD_ENCRYPTION_CIPHER = "aes-gcm"
    settings.FIELD_HASH_KEY = HASH
    return settings


def use(settings, key: str, cipher: str = "aes-gcm") -> None:
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = key
    settings.FIELD_ENCRYPTION_CIPHER = cipher


# --- ciphers and tokens -------------------------------------------------------------


@pytest.mark.parametrize(("key", "cipher"), [("k1", "aes-gcm"), ("s1", "sm4-gcm")])
def test_round_trip_and_token_format(settings, key, cipher):
    use(settings, key, cipher)
    for text in (ID, "13800138000", "张三丰 — 留守妇女", "", "x" * 5000):
        token = crypto.encrypt_text(text, context=CTX)
        match = TOKEN_RE.match(token)
        assert match, token
        assert (match["key"], match["cipher"]) == (key, cipher)
        blob = base64.urlsafe_b64decode(match["body"] + "=" * (-len(match["body"]) % 4))
        assert len(blob) == 12 + len(text.encode()) + 16  # nonce || ciphertext || tag
        assert crypto.decrypt_text(token, context=CTX) == text
        assert ID not in token


def test_random_nonce_gives_different_tokens():
    first, second = (crypto.encrypt_text(ID, context=CTX) for _ in range(2))
    assert first != second
    assert crypto.decrypt_text(first, context=CTX) == crypto.decrypt_text(second, context=CTX)


@pytest.mark.parametrize("cipher", sorted(crypto.CIPHERS))
def test_cipher_interface(cipher):
    impl = crypto.CIPHERS[cipher]
    assert isinstance(impl, crypto.FieldCipher)
    assert impl.name == cipher
    key = bytes(impl.key_size)
    blob = impl.encrypt(key, b"secret", b"aad")
    assert impl.decrypt(key, blob, b"aad") == b"secret"
    with pytest.raises(ValueError):
        impl.encrypt(bytes(impl.key_size + 1), b"secret", b"aad")


def test_sm4_gcm_matches_rfc_8998():
    vector = crypto._KNOWN_ANSWERS["sm4-gcm"]
    key, nonce, aad, plaintext = (
        bytes.fromhex(vector[k]) for k in ("key", "nonce", "aad", "plaintext")
    )
    assert key == bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    blob = crypto.CIPHERS["sm4-gcm"].seal(key, nonce, plaintext, aad)
    assert blob[:-16].hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert blob[-16:].hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    # And the implementation agrees with the library used directly.
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    assert enc.update(plaintext) + enc.finalize() + enc.tag == blob


def test_context_binds_the_token_to_its_field():
    token = crypto.encrypt_text(ID, context=CTX)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token, context="people.Person.phone")


def _flip(token: str, position: int) -> str:
    head, body = token.rsplit("$", 1)
    chars = list(body)
    chars[position] = "A" if chars[position] != "A" else "B"
    return head + "$" + "".join(chars)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: _flip(t, 0),  # nonce
        lambda t: _flip(t, 20),  # ciphertext
        lambda t: _flip(t, -2),  # tag
        lambda t: t[:-10],  # truncated
        lambda t: t.replace("$k1$", "$k2$"),  # relabelled key
        lambda t: t.replace("$aes-gcm$", "$sm4-gcm$"),  # relabelled cipher
        lambda t: t.replace("$k1$", "$gone$"),  # unknown key
        lambda t: t.replace("$aes-gcm$", "$rot13$"),  # unknown cipher
        lambda t: t.rsplit("$", 1)[0] + "$",  # empty body
        lambda t: t.replace("fe1$", "fe2$"),  # unknown version
        lambda t: "plaintext",
    ],
)
def test_tampering_is_detected_without_leaking(tamper):
    token = tamper(crypto.encrypt_text(ID, context=CTX))
    with pytest.raises(crypto.DecryptionError) as caught:
        crypto.decrypt_text(token, context=CTX)
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert ID not in message
    assert K1 not in message and K2 not in message


# --- key ring: rotation, cipher change, configuration ---------------------------------


def test_rotation_keeps_old_tokens_readable(settings):
    old = crypto.encrypt_text(ID, context=CTX)
    assert old.startswith("fe1$k1$aes-gcm$")
    assert not crypto.needs_rotation(old)
    use(settings, "k2")
    assert crypto.decrypt_text(old, context=CTX) == ID
    assert crypto.needs_rotation(old)
    new = crypto.encrypt_text(ID, context=CTX)
    assert new.startswith("fe1$k2$aes-gcm$")
    assert not crypto.needs_rotation(new)


def test_cipher_change_keeps_aes_tokens_readable(settings):
    old = crypto.encrypt_text(ID, context=CTX)
    use(settings, "s1", "sm4-gcm")
    assert crypto.decrypt_text(old, context=CTX) == ID
    assert crypto.needs_rotation(old)
    new = crypto.encrypt_text(ID, context=CTX)
    assert new.startswith("fe1$s1$sm4-gcm$")
    assert crypto.active_prefix() == "fe1$s1$sm4-gcm$"


def test_active_key_defaults_to_the_last(settings):
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = ""
    settings.FIELD_ENCRYPTION_KEYS = f"k1:{K1}, k2:{K2},"
    assert crypto.get_keyring().active_key_id == "k2"


def test_keyring_is_cached_and_reset():
    assert crypto.get_keyring() is crypto.get_keyring()
    ring = crypto.get_keyring()
    crypto.reset_keyring()
    assert crypto.get_keyring() is not ring
    assert K1 not in repr(ring)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"FIELD_ENCRYPTION_CIPHER": "des"}, "not one of"),
        ({"FIELD_ENCRYPTION_ACTIVE_KEY": "k9"}, "not in FIELD_ENCRYPTION_KEYS"),
        ({"FIELD_ENCRYPTION_CIPHER": "sm4-gcm"}, "needs 16"),  # k1 is 32 bytes
        ({"FIELD_ENCRYPTION_ACTIVE_KEY": "s1"}, "needs 32"),  # s1 is 16 bytes
        ({"FIELD_ENCRYPTION_KEYS": f"k1:{b64(bytes(20))}"}, "20 bytes"),
        ({"FIELD_ENCRYPTION_KEYS": f"k1:{K1},k1:{K2}"}, "twice"),
        ({"FIELD_ENCRYPTION_KEYS": "k1:not base64!"}, "not valid base64"),
        ({"FIELD_ENCRYPTION_KEYS": K1}, "'id:base64key'"),
        ({"FIELD_ENCRYPTION_KEYS": f"bad id:{K1}"}, "'id:base64key'"),
        ({"FIELD_HASH_KEY": b64(bytes(16))}, "at least 32"),
        ({"FIELD_HASH_KEY": K2}, "differ"),
    ],
)
def test_bad_configuration_is_refused(settings, overrides, message):
    for name, value in overrides.items():
        setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        crypto.get_keyring()
    assert K1 not in str(caught.value) and K2 not in str(caught.value)


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"])
def test_missing_keys_without_debug_are_refused(settings, missing):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_DEV_KEYS = False
    setattr(settings, missing, "")
    if missing == "FIELD_ENCRYPTION_KEYS":
        settings.FIELD_ENCRYPTION_ACTIVE_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="FULIAN_FIELD"):
        crypto.encrypt_text(ID, context=CTX)


@pytest.mark.parametrize("cipher", ["aes-gcm", "sm4-gcm"])
def test_debug_derives_development_keys_from_secret_key(settings, cipher):
    settings.DEBUG = True
    if hasattr(settings, "FIELD_ENCRYPTION_DEV_KEYS"):
        del settings.FIELD_ENCRYPTION_DEV_KEYS  # fall back to DEBUG
    settings.FIELD_ENCRYPTION_KEYS = ""
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = ""
    settings.FIELD_HASH_KEY = ""
    settings.FIELD_ENCRYPTION_CIPHER = cipher
    ring = crypto.get_keyring()
    assert list(ring.keys) == ["dev"]
    assert len(ring.keys["dev"]) == crypto.CIPHERS[cipher].key_size
    assert ring.hash_key not in ring.keys.values()
    token = crypto.encrypt_text(ID, context=CTX)
    index = crypto.blind_index(ID, purpose="id_number")
    crypto.reset_keyring()  # deterministic: the same keys after a restart
    assert crypto.decrypt_text(token, context=CTX) == ID
    assert crypto.blind_index(ID, purpose="id_number") == index
    settings.SECRET_KEY = "another-development-secret-key-of-enough-length-0123456789"
    assert crypto.blind_index(ID, purpose="id_number") != index
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token, context=CTX)


def test_dev_keys_setting_overrides_debug(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_DEV_KEYS = True
    settings.FIELD_ENCRYPTION_KEYS = ""
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = ""
    assert crypto.get_keyring().active_key_id == "dev"


# --- blind index --------------------------------------------------------------------


def test_blind_index(settings):
    index = crypto.blind_index(ID, purpose="id_number")
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert index == crypto.blind_index(ID, purpose="id_number")
    expected = hmac.new(
        base64.b64decode(HASH), b"id_number\x00" + ID.encode(), hashlib.sha256
    ).hexdigest()
    assert index == expected
    assert crypto.blind_index(ID, purpose="phone") != index
    assert crypto.blind_index(ID.lower(), purpose="id_number") != index
    use(settings, "k2")  # rotating the encryption key leaves the index alone
    assert crypto.blind_index(ID, purpose="id_number") == index
    settings.FIELD_HASH_KEY = b64(bytes(range(150, 182)))
    assert crypto.blind_index(ID, purpose="id_number") != index


def test_blind_index_refuses_empty_values():
    with pytest.raises(ValueError):
        crypto.blind_index("", purpose="id_number")
    with pytest.raises(ValueError):
        crypto.blind_index(ID, purpose="")


# --- self-test ----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "cipher"), [("k1", "aes-gcm"), ("s1", "sm4-gcm")])
def test_self_test_passes_quickly(settings, key, cipher):
    use(settings, key, cipher)
    crypto.self_test()  # loads the key ring
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        crypto.self_test()
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.005


@pytest.mark.parametrize(
    ("target", "name", "replacement"),
    [
        (crypto.AesGcmCipher, "seal", lambda self, key, nonce, pt, aad: bytes(len(pt) + 16)),
        (crypto.Sm4GcmCipher, "seal", lambda self, key, nonce, pt, aad: bytes(len(pt) + 16)),
        (crypto.AesGcmCipher, "unseal", lambda self, key, nonce, data, aad: data[:-16]),
        (crypto.AesGcmCipher, "encrypt", lambda self, key, pt, aad: bytes(12) + pt + bytes(16)),
        (crypto, "_hmac_sha256", lambda key, message: "0" * 64),
    ],
)
def test_self_test_detects_a_broken_primitive(monkeypatch, target, name, replacement):
    monkeypatch.setattr(target, name, replacement)
    with pytest.raises(ImproperlyConfigured, match="self-test failed"):
        crypto.self_test()


# --- model fields -------------------------------------------------------------------


class Probe(models.Model):
    """A throwaway model in its own app registry: invisible to migrations and commands."""

    id_number = EncryptedTextField(context=CTX, mask="id_number", null=True, blank=True)
    id_number_hash = BlindIndexField()
    phone = EncryptedTextField(context="people.Person.phone", mask="phone", blank=True)

    class Meta:
        app_label = "core"
        apps = Apps()
        db_table = "core_test_crypto_probe"

    def __str__(self) -> str:
        return f"probe {self.pk}"


@pytest.fixture
def probe_table(db, monkeypatch):
    if connection.vendor == "sqlite":
        # SQLite refuses the schema editor inside the test transaction only because it
        # cannot switch foreign-key checks off there; this table has no foreign keys.
        monkeypatch.setattr(connection, "disable_constraint_checking", lambda: True)
    with connection.schema_editor() as editor:
        editor.create_model(Probe)
    return Probe  # the test transaction's rollback drops the table


def raw_tokens(column: str = "id_number") -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM core_test_crypto_probe ORDER BY id")  # noqa: S608
        return dict(cursor.fetchall())


def test_field_stores_tokens_and_reads_plaintext(probe_table):
    person = Probe.objects.create(
        id_number=ID, id_number_hash=crypto.blind_index(ID, purpose="id"), phone="13800138000"
    )
    stored = raw_tokens()[person.pk]
    assert TOKEN_RE.match(stored) and ID not in stored
    assert raw_tokens("phone")[person.pk].startswith("fe1$k1$aes-gcm$")
    loaded = Probe.objects.get(id_number_hash=crypto.blind_index(ID, purpose="id"))
    assert (loaded.id_number, loaded.phone) == (ID, "13800138000")
    assert Probe.objects.values_list("id_number", flat=True).get() == ID

    Probe.objects.filter(pk=person.pk).update(phone="13900139000")  # update() encrypts too
    assert Probe.objects.get().phone == "13900139000"
    assert raw_tokens("phone")[person.pk].startswith("fe1$")


def test_field_keeps_empty_and_null(probe_table):
    blank = Probe.objects.create(id_number=None, phone="")
    assert raw_tokens()[blank.pk] is None
    assert raw_tokens("phone")[blank.pk] == ""
    assert Probe.objects.filter(id_number__isnull=True).count() == 1
    assert Probe.objects.filter(phone="").count() == 1
    assert Probe.objects.filter(id_number=None).count() == 1


def test_field_keeps_its_own_tokens_and_refuses_foreign_ones(probe_table):
    own = crypto.encrypt_text(ID, context=CTX)
    person = Probe.objects.create(id_number=own)
    assert raw_tokens()[person.pk] == own
    assert Probe.objects.get().id_number == ID
    foreign = crypto.encrypt_text(ID, context="people.Person.phone")
    with pytest.raises(crypto.DecryptionError):
        Probe.objects.create(id_number=foreign)


@pytest.mark.parametrize(
    "lookup",
    [
        {"id_number__contains": "1234"},
        {"id_number__icontains": "1234"},
        {"id_number__startswith": "3212"},
        {"id_number": ID},
        {"id_number__iexact": ID},
        {"id_number__in": [ID]},
        {"id_number__gt": "1"},
        {"id_number__regex": "^3"},
        {"id_number__lower": ID.lower()},
    ],
)
def test_lookups_on_ciphertext_are_refused(lookup):
    with pytest.raises(TypeError, match="blind-index"):
        Probe.objects.filter(**lookup)


def test_field_definition():
    field = Probe._meta.get_field("id_number")
    _name, path, args, kwargs = field.deconstruct()
    assert path == "fulian.core.fields.EncryptedTextField"
    assert kwargs["context"] == CTX and kwargs["mask"] == "id_number"
    assert EncryptedTextField(*args, **kwargs).deconstruct()[3] == kwargs
    assert field.mask_value(ID) == "3212**********123X"
    assert isinstance(field.formfield().widget, TextInput)
    with pytest.raises(TypeError, match="context"):
        EncryptedTextField(mask="phone")
    with pytest.raises(TypeError, match="mask"):
        EncryptedTextField(context=CTX, mask="nope")
    with pytest.raises(TypeError, match="unique"):
        EncryptedTextField(context=CTX, mask="phone", unique=True)

    hashed = Probe._meta.get_field("id_number_hash")
    # Not indexed by itself: the model declares the one index it needs.
    assert (hashed.max_length, hashed.db_index, hashed.null, hashed.editable) == (
        64,
        False,
        True,
        False,
    )
    assert hashed.deconstruct()[3] == {}
    unique = BlindIndexField(unique=True)
    assert unique.deconstruct()[3] == {"unique": True}
    assert BlindIndexField(**unique.deconstruct()[3]).deconstruct()[3] == unique.deconstruct()[3]


def test_serialised_dumps_carry_tokens(probe_table):
    person = Probe.objects.create(id_number=ID)
    dumped = Probe._meta.get_field("id_number").value_to_string(person)
    assert dumped.startswith("fe1$") and ID not in dumped
    assert crypto.decrypt_text(dumped, context=CTX) == ID


# --- rotation -----------------------------------------------------------------------


def _seed(count: int = 5) -> dict:
    values = {}
    for n in range(count):
        value = f"3212021980010{n:04d}X"
        values[Probe.objects.create(id_number=value, phone=f"1380013{n:04d}").pk] = value
    Probe.objects.create(id_number=None, phone="")
    Probe.objects.create(id_number="", phone="")
    return values


def test_rotate_model_field(settings, probe_table):
    values = _seed()
    field = Probe._meta.get_field("id_number")
    assert rotate_model_field(Probe, field, dry_run=True) == 0  # already current

    use(settings, "k2")
    before = raw_tokens()
    assert rotate_model_field(Probe, field, dry_run=True, batch_size=2) == len(values)
    assert raw_tokens() == before  # a dry run writes nothing
    assert rotate_model_field(Probe, field, batch_size=2) == len(values)
    after = raw_tokens()
    for pk, value in values.items():
        assert after[pk].startswith("fe1$k2$aes-gcm$")
        assert Probe.objects.get(pk=pk).id_number == value
    assert [v for v in after.values() if not (v and v.startswith("fe1$"))] == [None, ""]
    assert rotate_model_field(Probe, field, batch_size=2) == 0  # idempotent
    assert raw_tokens() == after
    # The other encrypted column is untouched until it is rotated itself.
    assert all(t.startswith("fe1$k1$") for t in raw_tokens("phone").values() if t)

    use(settings, "s1", "sm4-gcm")
    assert rotate_model_field(Probe, field) == len(values)
    for pk, value in values.items():
        assert raw_tokens()[pk].startswith("fe1$s1$sm4-gcm$")
        assert Probe.objects.get(pk=pk).id_number == value


def test_rotate_reports_undecryptable_rows(settings, probe_table):
    values = _seed(3)
    bad_pk = next(iter(values))
    bad = _flip(crypto.encrypt_text(values[bad_pk], context=CTX), 20)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_test_crypto_probe SET id_number = %s WHERE id = %s", [bad, bad_pk]
        )
    use(settings, "k2")
    field = Probe._meta.get_field("id_number")
    with pytest.raises(crypto.DecryptionError, match=f"pk={bad_pk}") as caught:
        rotate_model_field(Probe, field)
    assert values[bad_pk] not in str(caught.value)
    failed: list = []
    assert rotate_model_field(Probe, field, failed=failed) == 2
    assert failed == [bad_pk]
    assert raw_tokens()[bad_pk] == bad


def test_rotate_command(settings, probe_table, monkeypatch):
    values = _seed(4)
    monkeypatch.setattr(
        rotate_field_keys,
        "encrypted_fields",
        lambda: [(Probe, Probe._meta.get_field(n)) for n in ("id_number", "phone")],
    )
    use(settings, "k2")
    out = io.StringIO()
    call_command("rotate_field_keys", "--dry-run", stdout=out)
    assert "core.Probe.id_number: would rotate 4" in out.getvalue()
    assert "core.Probe.phone: would rotate 4" in out.getvalue()

    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    text = out.getvalue()
    assert "active key k2, cipher aes-gcm" in text
    assert "core.Probe.id_number: rotated 4" in text and "core.Probe.phone: rotated 4" in text
    assert not any(value in text for value in values.values())
    assert all(t.startswith("fe1$k2$") for t in raw_tokens("phone").values() if t)

    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "core.Probe.id_number: rotated 0" in out.getvalue()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_test_crypto_probe SET phone = %s", ["fe1$k2$aes-gcm$AAAA"])
    use(settings, "k1")
    err = io.StringIO()
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_field_keys", stdout=io.StringIO(), stderr=err)
    assert "core.Probe.phone: 6 values do not decrypt" in err.getvalue()


def test_encrypted_fields_lists_only_installed_models():
    found = rotate_field_keys.encrypted_fields()
    assert all(isinstance(field, EncryptedTextField) for _, field in found)
    assert Probe not in [model for model, _ in found]
