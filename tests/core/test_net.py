"""The caller's address: X-Forwarded-For only as far as our own proxies vouch for it."""

from types import SimpleNamespace

from fulian.core.net import client_ip


def request(forwarded="", remote="10.0.0.5"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return SimpleNamespace(META=meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.FULIAN_TRUSTED_PROXIES = 0
    assert client_ip(request("1.2.3.4")) == "10.0.0.5"


def test_behind_one_proxy_a_forged_first_hop_is_not_believed(settings):
    settings.FULIAN_TRUSTED_PROXIES = 1
    # The caller wrote 6.6.6.6 herself; nginx appended her real address.
    assert client_ip(request("6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request("203.0.113.9")) == "203.0.113.9"
    assert client_ip(request("")) == "10.0.0.5"


def test_two_proxies(settings):
    settings.FULIAN_TRUSTED_PROXIES = 2
    assert client_ip(request("6.6.6.6, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"
    assert client_ip(request("203.0.113.9")) == "203.0.113.9"
