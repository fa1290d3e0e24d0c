"""Where a request comes from: see :mod:`poam.web.network` (kept below every layer, so that the
change log's unit of work and the accounts read the client's address the same way)."""

from __future__ import annotations

from poam.web.network import address_key, client_ip

__all__ = ["address_key", "client_ip"]
