"""Test your bot against a real utaex venue: ``UtaexVenue`` starts one, the pytest plugin hands it out.

``pip install utaex`` registers the plugin (entry point ``pytest11``); a test asks for the
``utaex_venue`` fixture and gets a real venue on a free loopback port with a temporary data dir,
started once per test session and reset before every test (docs/testing.md).
"""

from __future__ import annotations

from .venue import UtaexVenue, VenueStartError

__all__ = ["UtaexVenue", "VenueStartError"]
