# SPDX-License-Identifier: Apache-2.0
"""The worker side: jobboard conductor, status reporting, polling and reconciliation."""
