# SPDX-License-Identifier: Apache-2.0
"""The provider driver Octavia's API loads: validates, serialises and posts jobs."""
