# SPDX-License-Identifier: Apache-2.0
"""iControl REST of /mgmt/tm/cm: devices, failover and sync status, device groups, config-sync."""

from octavia_f5.simulator import cluster as cluster_mod
from octavia_f5.simulator import errors
from octavia_f5.simulator import http

CM = '/mgmt/tm/cm'
LINK = 'https://localhost/mgmt/tm/cm'
TRUST_GROUP = 'device_trust_group'
TRAFFIC_GROUP = '/Common/traffic-group-1'
SYNC_COMMANDS = ('to-group', 'from-group', 'force-full-load-push')
GROUP_ENUMS = {'autoSync': ('enabled', 'disabled'), 'fullLoadOnSync': ('true', 'false'),
               'saveOnAutoSync': ('true', 'false'), 'networkFailover': ('enabled', 'disabled')}
# (color, summary) of each sync status; texts as tmsh shows them, colours [U].
SYNC_SUMMARIES = {
    cluster_mod.STANDALONE: ('green', ''),
    cluster_mod.IN_SYNC: ('green', 'All devices in the device group are in sync'),
    cluster_mod.CHANGES_PENDING: ('blue', 'Changes Pending'),
    cluster_mod.DISCONNECTED: ('red', 'The local device is disconnected from the other '
                                      'devices of the device group'),
}
CONFLICT = 'There is a possible change conflict between %s.'


def _link(path, version):
    return '%s%s?ver=%s' % (LINK, path, version)


def _nested(kind, name, version, entries, details):
    """The nestedStats shape of failover-status and sync-status (reference 6)."""
    camel = ''.join(w.capitalize() if i else w for i, w in enumerate(name.split('-')))
    base = '%s/%s/0/details' % (LINK, camel)
    entries = {k: {'description': v} for k, v in entries.items()}
    entries[base] = {'nestedStats': {'entries': {
        '%s/%d' % (base, i): {'nestedStats': {'entries': {'details': {'description': d}}}}
        for i, d in enumerate(details)}}}
    return {'kind': kind, 'selfLink': _link('/' + name, version),
            'entries': {'%s/%s/0' % (LINK, name): {'nestedStats': {'entries': entries}}}}


def device_item(cluster, device, me):
    """One tm:cm:device:devicestate item, as seen from device ``me``."""
    index = cluster.devices.index(device) + 1
    return {
        'kind': 'tm:cm:device:devicestate', 'name': device.name, 'partition': 'Common',
        'fullPath': '/Common/' + device.name, 'generation': 1,
        'selfLink': _link('/device/~Common~' + device.name, me.version),
        'activeModules': ['BIG-IP VE, Best|LTM|GTM|ASM|APM'],
        'baseMac': '52:54:00:5e:00:%02x' % index, 'build': '0.0.4',
        'cert': '/Common/dtdi.crt', 'chassisId': 'sim-%08d' % index,
        'chassisType': 'individual', 'configsyncIp': '198.51.100.%d' % index,
        'edition': 'Point Release 1', 'failoverState': cluster.failover_state(device),
        'haCapacity': 0, 'hostname': device.hostname, 'key': '/Common/dtdi.key',
        'managementIp': device.management_ip, 'marketingName': 'BIG-IP Virtual Edition',
        'mirrorIp': 'any6', 'mirrorSecondaryIp': 'any6', 'multicastInterface': 'eth0',
        'multicastIp': 'any6', 'multicastPort': 0, 'platformId': 'Z100', 'product': 'BIG-IP',
        'selfDevice': 'true' if device is me else 'false', 'timeZone': 'UTC',
        'timeLimitedModules': [], 'version': device.version,
        'unicastAddress': [{'effectiveIp': 'management-ip', 'effectivePort': 1026,
                            'ip': 'management-ip', 'port': 1026}]}


def group_item(cluster, name, me):
    sync_failover = name != TRUST_GROUP
    auto_sync = cluster.auto_sync if sync_failover else True
    return {
        'kind': 'tm:cm:device-group:device-groupstate', 'name': name, 'partition': 'Common',
        'fullPath': '/Common/' + name, 'generation': 1,
        'selfLink': _link('/device-group/~Common~' + name, me.version),
        'asmSync': 'disabled', 'autoSync': 'enabled' if auto_sync else 'disabled',
        'fullLoadOnSync': 'false', 'incrementalConfigSyncSizeMax': 1024,
        'networkFailover': 'enabled' if sync_failover else 'disabled',
        'saveOnAutoSync': 'false', 'type': 'sync-failover' if sync_failover else 'sync-only',
        'devicesReference': {'link': _link('/device-group/~Common~%s/devices' % name,
                                           me.version), 'isSubcollection': True}}


def _groups(cluster):
    return [TRUST_GROUP] + ([cluster.group_name] if cluster.group_name else [])


def _item_name(segment):
    """~Common~name or a bare name (which BIG-IP resolves in /Common)."""
    return segment[len('~Common~'):] if segment.startswith('~Common~') else segment


def _not_found(label, name):
    return http.Response(404, errors.tm_error(404, errors.NOT_FOUND % (label, '/Common/' +
                                                                       name)))


def get_devices(cluster, me, rest):
    if rest:
        name = _item_name(rest)
        device = next((d for d in cluster.devices if d.name == name), None)
        if device is None:
            return _not_found('device', name)
        return http.Response(200, device_item(cluster, device, me))
    return http.Response(200, {
        'kind': 'tm:cm:device:devicecollectionstate', 'selfLink': _link('/device', me.version),
        'items': [device_item(cluster, d, me) for d in cluster.devices]})


def get_failover_status(cluster, me, rest):
    state = cluster.failover_state(me)
    return http.Response(200, _nested(
        'tm:cm:failover-status:failover-statusstats', 'failover-status', me.version,
        {'color': 'green' if state == cluster_mod.ACTIVE else 'gray',
         'status': state.upper(),
         'summary': '1/1 active' if state == cluster_mod.ACTIVE else '0/1 active'},
        ['%s for %s' % (state, TRAFFIC_GROUP)]))


def get_sync_status(cluster, me, rest):
    status = cluster.sync_status()
    color, summary = SYNC_SUMMARIES[status]
    pending = cluster.pending_devices()
    if status == cluster_mod.CHANGES_PENDING and len(pending) > 1:
        color, summary = 'red', CONFLICT % ' and '.join(pending)
    details = ['%s: %s' % (d.name, 'connected' if d.up else 'disconnected')
               for d in cluster.devices if d is not me]
    if cluster.group_name:
        details.append('%s (%s): %s' % (cluster.group_name, status, summary))
    if status == cluster_mod.CHANGES_PENDING:
        details.append(' - Recommended action: Synchronize %s to group %s'
                       % (pending[0], cluster.group_name))
    return http.Response(200, _nested(
        'tm:cm:sync-status:sync-statusstats', 'sync-status', me.version,
        {'color': color, 'mode': 'standalone' if cluster.standalone else 'high-availability',
         'status': status, 'summary': summary}, details))


def get_device_groups(cluster, me, rest):
    if rest:
        name = _item_name(rest)
        if name not in _groups(cluster):
            return _not_found('device group', name)
        return http.Response(200, group_item(cluster, name, me))
    return http.Response(200, {
        'kind': 'tm:cm:device-group:device-groupcollectionstate',
        'selfLink': _link('/device-group', me.version),
        'items': [group_item(cluster, n, me) for n in _groups(cluster)]})


def patch_device_group(cluster, me, rest, body):
    name = _item_name(rest)
    if not rest or name not in _groups(cluster):
        return _not_found('device group', name)
    for key, value in (body or {}).items():
        if key in ('name', 'partition', 'fullPath', 'kind', 'selfLink', 'generation'):
            continue
        if key not in GROUP_ENUMS:
            return _bad('Found unexpected json pair at configuration item '
                        '/cm/device-group/%s: "%s"' % (name, key))
        if value not in GROUP_ENUMS[key]:
            return _bad('invalid property value "%s":"%s"' % (key, value))
        if key == 'autoSync' and name == cluster.group_name:
            cluster.auto_sync = value == 'enabled'
    return http.Response(200, group_item(cluster, name, me))


def _bad(message):
    return http.Response(400, errors.tm_error(400, message))


def run_config_sync(cluster, me, args, body):
    """POST /mgmt/tm/cm {"command":"run","utilCmdArgs":"config-sync to-group G"}."""
    if (body or {}).get('command') != 'run':
        return _bad('invalid property value "command":"%s"' % (body or {}).get('command'))
    words = args.split()
    if len(words) < 2 or words[-2] not in SYNC_COMMANDS:
        return _bad('Syntax Error: "%s" unknown option for config-sync'
                    % (body.get('utilCmdArgs') or ''))
    group = words[-1]
    if group != cluster.group_name:
        return _bad(errors.GROUP_NOT_FOUND % group)
    if words[-2] == 'from-group':
        cluster.sync_from_group(me)
    else:
        cluster.config_sync(me)
    return http.Response(200, {'kind': 'tm:cm:runstate', 'command': 'run',
                               'utilCmdArgs': body['utilCmdArgs']})


def traffic_group_item(name, me):
    floating = name != 'traffic-group-local-only'
    return {
        'kind': 'tm:cm:traffic-group:traffic-groupstate', 'name': name,
        'partition': 'Common', 'fullPath': '/Common/' + name, 'generation': 1,
        'selfLink': _link('/traffic-group/~Common~' + name, me.version),
        'autoFailbackEnabled': 'false', 'autoFailbackTime': 60,
        'failoverMethod': 'ha-order', 'haLoadFactor': 1,
        'isFloating': 'true' if floating else 'false', 'mac': 'none',
        'unitId': 1 if floating else 0}


def get_traffic_groups(cluster, me, rest):
    names = ['traffic-group-1', 'traffic-group-local-only']
    if rest:
        name = _item_name(rest)
        if name not in names:
            return _not_found('traffic group', name)
        return http.Response(200, traffic_group_item(name, me))
    return http.Response(200, {
        'kind': 'tm:cm:traffic-group:traffic-groupcollectionstate',
        'selfLink': _link('/traffic-group', me.version),
        'items': [traffic_group_item(n, me) for n in names]})


_GETS = {'device': get_devices, 'failover-status': get_failover_status,
         'sync-status': get_sync_status, 'device-group': get_device_groups,
         'traffic-group': get_traffic_groups}


def handle(cluster, me, request):
    """Answer a request under /mgmt/tm/cm for device ``me``."""
    collection, _, rest = request.path[len(CM):].strip('/').partition('/')
    try:
        body = request.json()
    except ValueError:
        return http.Response(400, errors.tm_error(400, errors.INVALID_JSON,
                                                  errors.API_ERROR_PARSE))
    method = request.method
    if method == 'GET' and collection in _GETS:
        return _GETS[collection](cluster, me, rest)
    if method in ('PATCH', 'PUT') and collection == 'device-group':
        return patch_device_group(cluster, me, rest, body)
    if method == 'POST' and collection == '':
        args = (body or {}).get('utilCmdArgs') or ''
        if not args.startswith('config-sync '):
            return _bad('Syntax Error: "%s" unknown command' % args)
        return run_config_sync(cluster, me, args[len('config-sync '):], body)
    if method == 'POST' and collection == 'config-sync':
        return run_config_sync(cluster, me, (body or {}).get('utilCmdArgs') or '', body)
    return http.Response(404, errors.unregistered_path(request.path))
