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
FLOWS = {
    'loadbalancer_create': 'octavia_f5.flows.loadbalancer_flows:create_loadbalancer_flow',
    'loadbalancer_update': 'octavia_f5.flows.loadbalancer_flows:update_loadbalancer_flow',
    'loadbalancer_delete': 'octavia_f5.flows.loadbalancer_flows:delete_loadbalancer_flow',
    'loadbalancer_failover': 'octavia_f5.flows.loadbalancer_flows:failover_loadbalancer_flow',
    'listener_create': 'octavia_f5.flows.listener_flows:create_listener_flow',
    'listener_update': 'octavia_f5.flows.listener_flows:update_listener_flow',
    'listener_delete': 'octavia_f5.flows.listener_flows:delete_listener_flow',
    'pool_create': 'octavia_f5.flows.pool_flows:create_pool_flow',
    'pool_update': 'octavia_f5.flows.pool_flows:update_pool_flow',
    'pool_delete': 'octavia_f5.flows.pool_flows:delete_pool_flow',
    'member_create': 'octavia_f5.flows.member_flows:create_member_flow',
    'member_update': 'octavia_f5.flows.member_flows:update_member_flow',
    'member_delete': 'octavia_f5.flows.member_flows:delete_member_flow',
    'member_batch_update': 'octavia_f5.flows.member_flows:batch_update_members_flow',
    'health_monitor_create': 'octavia_f5.flows.healthmonitor_flows:create_healthmonitor_flow',
    'health_monitor_update': 'octavia_f5.flows.healthmonitor_flows:update_healthmonitor_flow',
    'health_monitor_delete': 'octavia_f5.flows.healthmonitor_flows:delete_healthmonitor_flow',
    'l7policy_create': 'octavia_f5.flows.l7policy_flows:create_l7policy_flow',
    'l7policy_update': 'octavia_f5.flows.l7policy_flows:update_l7policy_flow',
    'l7policy_delete': 'octavia_f5.flows.l7policy_flows:delete_l7policy_flow',
    'l7rule_create': 'octavia_f5.flows.l7rule_flows:create_l7rule_flow',
    'l7rule_update': 'octavia_f5.flows.l7rule_flows:update_l7rule_flow',
    'l7rule_delete': 'octavia_f5.flows.l7rule_flows:delete_l7rule_flow',
}


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
