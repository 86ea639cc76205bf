# SPDX-License-Identifier: Apache-2.0
"""The benchmarks of `tox -e bench` (python -m tools.bench): docs/performance.md."""
