# SPDX-License-Identifier: Apache-2.0
"""Console scripts: the worker, the simulator's server and the operator's manage tool."""
