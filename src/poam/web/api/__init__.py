"""The REST API (django-ninja) under ``/api``: token authentication, OpenAPI and docs.

It covers what the pages do and returns the core's own plain data (``poam.core.serialize``,
``poam.formats.native``), so that its score, verdict and findings are those of the CLI.
"""
