# SPDX-License-Identifier: Apache-2.0
"""Everything that speaks BIG-IP: pure mapping of Octavia objects, the iControl REST client."""
