# SPDX-License-Identifier: Apache-2.0
"""tools/local-cloud: a real Octavia + Neutron + MariaDB + Redis + BIG-IP simulator on loopback."""
