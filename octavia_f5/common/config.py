# SPDX-License-Identifier: Apache-2.0
"""Every configuration option of octavia_f5, grouped by the part that reads it.

The driver runs inside Octavia's processes (octavia-api, octavia-driver-agent) and reads the
same configuration files, so each of our groups carries an ``f5_`` prefix that can never clash
with one of Octavia's own groups.
"""

from octavia_lib.api.drivers import driver_lib
from oslo_config import cfg

BIGIP_GROUP = 'f5_bigip'
NETWORK_GROUP = 'f5_network'
JOBBOARD_GROUP = 'f5_jobboard'
WORKER_GROUP = 'f5_worker'
DRIVER_AGENT_GROUP = 'f5_driver_agent'
POLLER_GROUP = 'f5_poller'
RECONCILER_GROUP = 'f5_reconciler'
HA_GROUP = 'f5_ha'

bigip_opts = [
    cfg.ListOpt('devices', default=[],
                help='Management URLs of the BIG-IP devices, e.g. '
                     'https://192.0.2.10,https://192.0.2.11. One URL for a standalone '
                     'device; several for a sync-failover pair or group, of which the '
                     'active one receives all writes.'),
    cfg.StrOpt('username', default='admin',
               help='BIG-IP user with the Administrator role on the managed partitions.'),
    cfg.StrOpt('password', secret=True,
               help='Password of the BIG-IP user. Never logged.'),
    cfg.StrOpt('auth_method', default='token',
               choices=[('token', 'log in once per device (/mgmt/shared/authn/login) and '
                                  'reuse the token; required for remote (LDAP/RADIUS) users'),
                        ('basic', 'send HTTP Basic credentials with every request')],
               help='How the client authenticates to the devices.'),
    cfg.IntOpt('token_timeout', default=36000, min=300, max=36000,
               help='Lifetime in seconds requested for a login token (BIG-IP caps it at '
                    '36000). The client renews the token before it expires.'),
    cfg.StrOpt('verify', default='true',
               help='TLS verification of the devices\' certificates: "true" (the system '
                    'CA store), "false" (no verification; not for production), or the '
                    'path of a CA bundle file.'),
    cfg.FloatOpt('connect_timeout', default=5.0, min=0.1,
                 help='Seconds to wait for a TCP/TLS connection to a device.'),
    cfg.FloatOpt('read_timeout', default=60.0, min=1.0,
                 help='Seconds to wait for a device\'s answer. BIG-IP\'s own REST '
                      'timeout is 60 s (restjavad.timeout).'),
    cfg.IntOpt('max_retries', default=4, min=0,
               help='Retries of an idempotent request (GET, PUT, PATCH, DELETE) after a '
                    'connection error or a device-busy answer. A POST is never repeated '
                    'blindly.'),
    cfg.FloatOpt('retry_backoff', default=0.5, min=0.0,
                 help='Initial back-off in seconds between retries; doubled each retry.'),
    cfg.FloatOpt('retry_max_backoff', default=8.0, min=0.0,
                 help='Upper bound in seconds of one back-off between retries.'),
    cfg.IntOpt('connection_pool_size', default=8, min=1,
               help='Keep-alive connections kept open per device.'),
    cfg.StrOpt('device_group',
               help='Sync-failover device group. When set, changes are config-synced '
                    'to the group after each operation (see sync_mode).'),
    cfg.StrOpt('sync_mode', default='config-sync',
               choices=[('config-sync', 'write to the active device, then run '
                                        '"config-sync to-group <device_group>"'),
                        ('write-all', 'write every change to every device directly'),
                        ('none', 'write to the active device only; the device group '
                                 'syncs itself (auto-sync)')],
               help='How changes reach the other devices of an HA group.'),
    cfg.IntOpt('save_config_interval', default=600, min=0,
               help='Seconds between "save sys config" runs on each device after it '
                    'changed; 0 disables saving (the running configuration is then lost '
                    'when the device reboots).'),
]

network_opts = [
    cfg.StrOpt('partition_prefix', default='octavia_',
               help='Prefix of the BIG-IP partition created for each Octavia project: '
                    '<prefix><project_id>. The driver never touches partitions without '
                    'this prefix.'),
    cfg.StrOpt('route_domain_policy', default='per-partition',
               choices=[('per-partition', 'each project partition gets its own route '
                                          'domain, so tenants\' addresses may overlap'),
                        ('common', 'every object uses route domain 0 (/Common/0)')],
               help='How tenant address spaces are separated on the device.'),
    cfg.IntOpt('route_domain_min', default=2, min=1, max=65534,
               help='Lowest route-domain id the driver allocates.'),
    cfg.IntOpt('route_domain_max', default=65534, min=1, max=65534,
               help='Highest route-domain id the driver allocates.'),
    cfg.StrOpt('snat_mode', default='automap',
               choices=[('automap', 'source address translation to the self IPs'),
                        ('snatpool', 'translation to the SNAT pool named by snat_pool'),
                        ('none', 'no source address translation (members route back '
                                 'through the BIG-IP)')],
               help='Default source address translation of virtual servers; a flavor '
                    'may override it.'),
    cfg.StrOpt('snat_pool',
               help='Full path of an existing SNAT pool, for snat_mode = snatpool.'),
]

jobboard_opts = [
    cfg.StrOpt('redis_host', default='127.0.0.1',
               help='Redis server that holds the TaskFlow jobboard.'),
    cfg.PortOpt('redis_port', default=6379, help='Port of the Redis server.'),
    cfg.StrOpt('redis_password', secret=True, help='Password of the Redis server.'),
    cfg.IntOpt('redis_db', default=0, min=0, help='Redis database number.'),
    cfg.BoolOpt('redis_ssl', default=False, help='Connect to Redis over TLS.'),
    cfg.StrOpt('board_name', default='octavia_f5_jobs',
               help='Name of the jobboard; every API node and worker of one deployment '
                    'must use the same name.'),
    cfg.IntOpt('claim_expiry', default=30, min=1,
               help='Seconds after which a dead worker\'s claim on a job expires so '
                    'that another worker resumes the job. A live worker refreshes its '
                    'claims every claim_expiry/4 seconds, so a worker that stalls longer '
                    'than this (CPU starvation, a slow Redis) may see its job run twice. '
                    'Use a few seconds only on a quiet loopback (tests).'),
    cfg.StrOpt('persistence_connection', secret=True,
               default='sqlite:////var/lib/octavia-f5/taskflow.sqlite',
               help='SQLAlchemy URL of the TaskFlow persistence database (flow and task '
                    'states, used to resume a job). Shared by all workers.'),
    cfg.StrOpt('secret_key', secret=True,
               help='Fernet key (urlsafe base64 of 32 bytes) that encrypts certificate '
                    'and key material inside job payloads. Must be the same on every API '
                    'node and worker.'),
    cfg.FloatOpt('redis_timeout', default=5.0, min=0.1,
                 help='Seconds to wait for Redis to connect or answer. Bounds how long an '
                      'Octavia API request can hang on an unreachable Redis.'),
    cfg.BoolOpt('save_logbook', default=False,
                help='Keep the TaskFlow logbook (flow and task states) of a job in the '
                     'persistence database after the job ended; for debugging only, as '
                     'nothing removes them later.'),
]

worker_opts = [
    cfg.IntOpt('conductor_threads', default=4, min=1,
               help='Jobs one worker process runs at the same time.'),
    cfg.FloatOpt('idle_poll_interval', default=0.05, min=0.01, max=5,
                 help='Seconds an idle worker waits before looking at the jobboard again '
                      '(one Redis read). TaskFlow\'s 0.5 s added a quarter second to every '
                      'operation on average.'),
    cfg.IntOpt('object_commit_timeout', default=60, min=1,
               help='Seconds a job waits for Octavia to commit the object it is about '
                    '(the driver is called before Octavia\'s transaction commits).'),
    cfg.IntOpt('status_update_retries', default=15, min=1,
               help='Attempts to report a status to the driver agent before giving up.'),
    cfg.FloatOpt('status_update_max_backoff', default=10.0, min=0.1,
                 help='Upper bound in seconds of the back-off between status reports.'),
    cfg.IntOpt('job_max_attempts', default=20, min=1,
               help='Times one worker process tries a job that fails for a reason outside '
                    'the flow (persistence database or Redis errors) before it moves the '
                    'job to the jobboard\'s trash. Attempts back off exponentially up to '
                    '60 s, so the default rides out a database outage of about 15 minutes.'),
    cfg.ListOpt('flow_modules', default=['octavia_f5.flows'],
                help='Module prefixes from which a job may name its flow factory directly '
                     '("module:function" instead of a registered operation name). Tests '
                     'add their own modules here; production needs only the default.'),
]

driver_agent_opts = [
    cfg.StrOpt('status_socket_path', default=driver_lib.DEFAULT_STATUS_SOCKET,
               help='Octavia driver agent\'s status socket ([driver_agent] '
                    'status_socket_path in octavia.conf).'),
    cfg.StrOpt('stats_socket_path', default=driver_lib.DEFAULT_STATS_SOCKET,
               help='Octavia driver agent\'s statistics socket.'),
    cfg.StrOpt('get_socket_path', default=driver_lib.DEFAULT_GET_SOCKET,
               help='Octavia driver agent\'s get socket.'),
]

poller_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Poll operating status and statistics from the devices.'),
    cfg.IntOpt('interval', default=10, min=1,
               help='Seconds between two polls of each device.'),
    cfg.IntOpt('resend_window', default=0, min=0,
               help='Seconds during which the operating statuses of a load balancer\'s '
                    'objects are re-sent every poll after the device showed a change to '
                    'them. 0 (default) sends only what differs from what Octavia has from '
                    'the flows and the poller (recorded in the jobboard\'s Redis); every '
                    'status sent moves the object\'s updated_at in Octavia.'),
    cfg.IntOpt('full_report_interval', default=0, min=0,
               help='Seconds after which every operating status and statistics record is '
                    'sent again even if unchanged, bounding how long a status written by '
                    'someone else (an operator) can stay wrong. 0 (default) never: each '
                    'resend moves updated_at of every object.'),
    cfg.IntOpt('loadbalancer_interval', default=60, min=0,
               help='Seconds after which the virtual addresses (load balancers and their '
                    'admin state, which only load balancer operations change) are read '
                    'again; that read takes the place of the cycle\'s statistics read, so a '
                    'cycle costs three GETs. A load balancer that a virtual server names and '
                    'the poller does not know is read at once. Statistics are read at least '
                    'every other cycle.'),
    cfg.IntOpt('new_object_grace', default=30, min=0,
               help='Seconds the poller leaves the operating status of an object it sees for '
                    'the first time, and whose status no flow has reported yet, to the flow '
                    'that is creating it (the flow reports when it ends; a poller status sent '
                    'just before would move updated_at in Octavia for nothing).'),
]

reconciler_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Periodically compare the devices with Octavia and repair drift.'),
    cfg.IntOpt('interval', default=600, min=10,
               help='Seconds between two reconciliation runs.'),
    cfg.BoolOpt('remove_orphans', default=True,
                help='Remove objects inside the driver\'s partitions that no Octavia '
                     'object accounts for.'),
    cfg.StrOpt('provider', default='f5',
               help='Name of this provider in Octavia ([api_settings] '
                    'enabled_provider_drivers): only load balancers of this provider are '
                    'reconciled.'),
    cfg.IntOpt('pending_timeout', default=300, min=0,
               help='Seconds a load balancer must have been PENDING_* (by its updated_at) '
                    'with no job for it on the jobboard before the reconciler finishes what '
                    'the lost job should have done.'),
    cfg.StrOpt('cloud',
               help='Cloud name in clouds.yaml (found through OS_CLIENT_CONFIG_FILE or the '
                    'usual locations) with the credentials for Octavia\'s API. When unset, '
                    'the auth_* options below are used.'),
    cfg.StrOpt('auth_type', default='password',
               help='keystoneauth plugin for Octavia\'s API: "password", or "none" for an '
                    'Octavia running with auth_strategy = noauth (then endpoint_override '
                    'is required).'),
    cfg.StrOpt('auth_url', help='Keystone URL, e.g. https://keystone.example.com/v3.'),
    cfg.StrOpt('username', help='User that lists every project\'s load balancers (admin).'),
    cfg.StrOpt('password', secret=True, help='Password of that user. Never logged.'),
    cfg.StrOpt('project_name', help='Project to scope the token to.'),
    cfg.StrOpt('user_domain_name', default='Default', help='Domain of the user.'),
    cfg.StrOpt('project_domain_name', default='Default', help='Domain of the project.'),
    cfg.StrOpt('region_name', help='Region of the Octavia endpoint in the catalog.'),
    cfg.StrOpt('interface', default='public',
               help='Endpoint interface to use from the catalog: public, internal, admin.'),
    cfg.StrOpt('endpoint_override',
               help='URL of Octavia\'s API, instead of the catalog\'s, e.g. '
                    'http://127.0.0.1:9876.'),
    cfg.StrOpt('cafile', help='CA bundle for Octavia\'s and Keystone\'s TLS certificates.'),
]

ha_opts = [
    cfg.IntOpt('check_interval', default=5, min=1,
               help='Seconds between two checks, in every worker process, that the device '
                    'the flows write to is still the active one (failover-status) and that '
                    'the device group is in sync. A device group whose sync-status shows '
                    'changes pending on two checks in a row (e.g. a device that came back '
                    'after an outage) is config-synced from the active device.'),
    cfg.IntOpt('failover_timeout', default=60, min=0,
               help='Seconds a device step waits for a new active device after the one it '
                    'wrote to failed or stopped being active, before the operation fails. '
                    'The step then writes again, to the new active device.'),
]

_GROUPS = (
    (BIGIP_GROUP, bigip_opts, 'Access to the BIG-IP devices.'),
    (NETWORK_GROUP, network_opts, 'Tenancy and addressing on the devices.'),
    (JOBBOARD_GROUP, jobboard_opts, 'The TaskFlow jobboard shared by API and workers.'),
    (WORKER_GROUP, worker_opts, 'The worker that runs the flows.'),
    (DRIVER_AGENT_GROUP, driver_agent_opts, 'Sockets of Octavia\'s driver agent.'),
    (POLLER_GROUP, poller_opts, 'Operating status and statistics polling.'),
    (RECONCILER_GROUP, reconciler_opts, 'Reconciliation of devices with Octavia.'),
    (HA_GROUP, ha_opts, 'Failover of the BIG-IP device group as the worker sees it.'),
)


def register_opts(conf=cfg.CONF):
    """Register all octavia_f5 options on ``conf`` (idempotent)."""
    for name, opts, help_text in _GROUPS:
        conf.register_group(cfg.OptGroup(name, help=help_text))
        conf.register_opts(opts, group=name)


def list_opts():
    """The oslo.config.opts entry point: [(group, [opts])] for the sample generator."""
    return [(name, list(opts)) for name, opts, _help in _GROUPS]


register_opts()
