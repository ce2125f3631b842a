"""Which domains are hosting platforms, whose tenants' hostnames (never the platform's domain)
are the indicators a blocklist may act on.

The list is the detector's (``detector/data/hosting.txt``, the platforms whose pages count as
``hosted_page``): one list of where anyone can publish, for both uses. The public suffix
list's private section (read offline by :mod:`crawler.links`) already makes each tenant of
``blogspot.com`` or ``github.io`` its own domain.
"""

from __future__ import annotations

from detector.domains import is_hosting_platform

__all__ = ["is_hosting_platform"]
