# SPDX-License-Identifier: Apache-2.0
"""TaskFlow flows (one factory per Octavia operation) and the tasks they are made of."""
