# SPDX-License-Identifier: Apache-2.0
"""An in-memory BIG-IP that speaks iControl REST, for tests, demos and benchmarks."""
