# SPDX-License-Identifier: Apache-2.0
"""The registry of operations: operation name -> flow factory ("module:function").

An operation name is the name of the octavia-lib ProviderDriver method that posts it
('listener_create', 'member_batch_update', 'loadbalancer_failover', ...). A flow factory is a
module-level function ``factory(payload) -> flow``: it receives the job's payload (secret
fields still encrypted) so that a flow's shape may follow it (one task per member of a batch),
and must build the same flow every time it is given the same payload, because a worker that
resumes a job rebuilds the flow to match the stored task states.

The flow's tasks read the payload's top-level keys from the engine store (a payload
``{'listener': {...}}`` satisfies tasks that require ``listener``).

To add an operation, add one line to FLOWS. A job may also name a factory directly as
'module:function' when the module is under one of ``[f5_worker] flow_modules`` (tests use
this for flows defined under tests/).
"""

import importlib

from oslo_config import cfg

from octavia_f5.common import config
from octavia_f5.common import exceptions

# operation name -> 'module:function'. Flows register here, e.g.
#   'listener_create': 'octavia_f5.flows.listener_flows:create_listener_flow',
FLOWS = {}


def factory_path(operation):
    """The 'module:function' path of an operation, without importing it.

    Cheap enough for the API request path: it only checks the name.

    :raises UnknownOperation: neither a registered name nor an allowed module path
    """
    if not isinstance(operation, str):
        raise exceptions.UnknownOperation(operation, 'an operation name is a string')
    if operation in FLOWS:
        return FLOWS[operation]
    module, sep, function = operation.partition(':')
    if not sep or not module or not function:
        raise exceptions.UnknownOperation(operation)
    allowed = cfg.CONF[config.WORKER_GROUP].flow_modules
    # Only trusted packages: a job names code the worker will run.
    if not any(module == prefix or module.startswith(prefix + '.') for prefix in allowed):
        raise exceptions.UnknownOperation(
            operation, 'module %s is not under [%s] flow_modules'
            % (module, config.WORKER_GROUP))
    return operation


def resolve(operation):
    """The flow factory function of an operation (imports its module).

    :raises UnknownOperation: unknown name, missing module or function
    """
    module_name, _sep, function_name = factory_path(operation).partition(':')
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise exceptions.UnknownOperation(operation, 'cannot import %s: %s'
                                          % (module_name, e)) from e
    factory = getattr(module, function_name, None)
    if not callable(factory):
        raise exceptions.UnknownOperation(operation, '%s has no function %s'
                                          % (module_name, function_name))
    return factory


def build_flow(operation, payload):
    """The flow that carries out ``operation`` for ``payload``."""
    return resolve(operation)(payload)
