# SPDX-License-Identifier: Apache-2.0
"""Entry point for oslo-config-generator: lists every option of octavia_f5."""

from octavia_f5.common import config


def list_opts():
    return config.list_opts()
