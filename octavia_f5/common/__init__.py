# SPDX-License-Identifier: Apache-2.0
"""Configuration, constants and exceptions shared by every layer."""
