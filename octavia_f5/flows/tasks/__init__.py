# SPDX-License-Identifier: Apache-2.0
"""Tasks of the flows: Octavia reads, device writes, status reports; one intention each."""
