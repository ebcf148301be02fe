from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's address.

    X-Forwarded-For is only believed for the hops our own proxies add
    (``FULIAN_TRUSTED_PROXIES``, e.g. 1 behind one nginx that appends
    ``$proxy_add_x_forwarded_for``): the client is that many hops from the right. Anything
    further left was written by the caller and could be forged to dodge the public page's
    per-address limits.
    """
    if request is None:
        return None
    trusted = getattr(settings, "FULIAN_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-trusted] if len(hops) >= trusted else hops[0]
    return request.META.get("REMOTE_ADDR") or None
