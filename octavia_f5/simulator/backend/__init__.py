# SPDX-License-Identifier: Apache-2.0
"""The simulator's BIG-IP backend: objects, rules, transactions and statistics (no HTTP)."""

from octavia_f5.simulator.backend.core import Backend  # noqa: F401
