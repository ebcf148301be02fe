"""API routes of this app: (prefix, viewset, basename), added to /api/v1/ by fulian.api_urls."""

ROUTES: list = []
