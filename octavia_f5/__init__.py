# SPDX-License-Identifier: Apache-2.0
"""octavia_f5: an OpenStack Octavia provider driver for F5 BIG-IP devices."""
