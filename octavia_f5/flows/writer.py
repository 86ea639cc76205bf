# SPDX-License-Identifier: Apache-2.0
"""Writing a Plan to one BIG-IP: create, patch, delete, and undo what a run created.

Every write converges when it is repeated (a worker that dies mid-task has its task run again
by another worker, which must reach the same end state):

* create: POST; an object that already exists (409) is made to match with a PATCH. Objects
  are named from Octavia ids, so one found under the name of a new object is ours, left by an
  earlier run. Certificates and keys are named by container id (a digest of the certificate),
  so one found is already right;
* patch: PATCH of the changed top-level fields only (lists are replaced whole by BIG-IP);
  an object found missing is created;
* delete: DELETE, and a missing object counts as deleted. Certificate, key and CRL files and
  nodes may still be used by another listener, pool or load balancer of the project: BIG-IP
  refuses to delete them then ("in use"), which is the answer we want;
* certificate, key and chain files that are created together are installed in one
  transaction: a key without its certificate is unusable and a profile naming them would be
  refused. Only the installs are queued; the uploads of their contents come first;
* LTM policies are written as drafts and published (BIG-IP 12.1+ refuses changes to a
  published policy); publishing a draft replaces the published policy of that name.

An undo puts back what a failed run changed: first the fields it patched, to their values
before the run (newest first), so that nothing still names what it created; then it deletes
what it created (newest first). A restore is the PATCH from the new body back to the old one,
so it is a no-op where the run's PATCH never applied.
"""

from concurrent import futures
import dataclasses
import re

from oslo_log import log as logging

from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import names
from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from octavia_f5.flows import plan as plan_mod

LOG = logging.getLogger(__name__)

IDENTITY = ('name', 'partition', 'subPath')
POLICY = 'ltm/policy'
POOL = 'ltm/pool'
NODE = 'ltm/node'
# Concurrent node deletions (the client keeps this many connections per device by default).
NODE_DELETERS = 8
DRAFTS = 'Drafts'
_PROFILE_LINK = re.compile(r'/mgmt/tm/(ltm/profile/[a-z0-9-]+)/')
# Profile fields naming files -> the collection of the file.
_FILE_FIELDS = {'cert': 'sys/file/ssl-cert', 'chain': 'sys/file/ssl-cert',
                'caFile': 'sys/file/ssl-cert', 'key': 'sys/file/ssl-key',
                'crlFile': 'sys/file/ssl-crl'}


def item_path(item):
    return paths.item(item.collection, item.name, item.partition)


def _identity_free(body):
    return {k: v for k, v in body.items() if k not in IDENTITY}


def _is_file(item):
    return item.collection in resource.FILE_COLLECTIONS


def _restore_fields(old, new):
    """The fields that turn ``new`` back into ``old``: those of ``old`` that ``new`` changes.

    A field only ``new`` has cannot be unset by a PATCH and stays; the mapping writes every
    field it may change in every body (``pool: ''``, ``persist: []``), so none is lost.
    """
    return {k: v for k, v in _identity_free(old.body).items() if new.body.get(k) != v}


def _member_addresses(body):
    return [m['address'] for m in body.get('members') or () if m.get('address')]


class Writer(object):
    """Writes one plan to one device and records what an undo needs.

    ``created``: [collection, partition, name] of the objects it created, in order.
    ``patched``: [collection, partition, name, fields] of the objects it patched, in order,
    with the fields' values before the PATCH (an LTM policy: its whole old body). Plain data,
    never file contents: both are stored as the device step's result.

    ``reassert``: the device may hold anything (after a failover): an object that exists is
    overwritten with its full body, files re-installed, and nothing is recorded for an undo.
    """

    def __init__(self, device, reassert=False):
        self.device = device
        self.reassert = reassert
        self.created = []
        self.patched = []

    def apply(self, plan):
        """Write every step of ``plan``, then remove the nodes it leaves unused."""
        steps = plan.steps()
        if self.reassert:
            # After a failover the objects are usually there already (config-sync copied
            # them): one PATCH each, a create only for what is missing.
            steps = [('patch', dataclasses.replace(s[1], body={}), s[1])
                     if s[0] == 'create' else s for s in steps]
        index = 0
        while index < len(steps):
            group = _file_group(steps, index)
            if len(group) > 1:
                self._create_files(group)
                index += len(group)
                continue
            action, *items = steps[index]
            getattr(self, '_' + action)(*items)
            index += 1
        self._delete_nodes(plan.nodes)

    def _delete_nodes(self, nodes):
        """Delete nodes side by side: one DELETE each, as BIG-IP has no bulk delete."""
        node_paths = [paths.item('ltm/node', node, partition) for partition, node in nodes]
        if len(node_paths) < 2:
            for path in node_paths:
                self._delete_tolerant(path)
            return
        with futures.ThreadPoolExecutor(min(NODE_DELETERS, len(node_paths))) as pool:
            for done in [pool.submit(self._delete_tolerant, p) for p in node_paths]:
                done.result()

    # --- the three actions ------------------------------------------------------------

    def _create(self, item):
        # Recorded before it is written: a create whose answer was lost (a published policy,
        # a committed transaction) may have happened, and undoing one that did not is a
        # delete of nothing.
        self._record(item)
        if item.collection == POLICY:
            self._write_policy(item)
        elif _is_file(item):
            self._upload(item)
            try:
                self.device.create(paths.collection(item.collection), item.body)
            except exceptions.AlreadyExists:
                if self.reassert:
                    self.device.patch(item_path(item), {'sourcePath': item.body['sourcePath']})
        else:
            try:
                self.device.create(paths.collection(item.collection), item.body)
            except exceptions.AlreadyExists:
                self.device.patch(item_path(item), _identity_free(item.body))

    def _patch(self, old, new):
        if new.collection == POLICY:
            # Publishing replaces the whole policy: its restore publishes the old body.
            self._record_patch(new, _identity_free(old.body))
            self._write_policy(new)
            return
        if _is_file(new):
            # Not restored: the old content is not uploaded again, and a file's name is a
            # digest of its certificate, so a new content under an old name is the same one.
            self._upload(new)
            changes = {'sourcePath': new.body['sourcePath']}
        else:
            changes = {k: v for k, v in _identity_free(new.body).items()
                       if old.body.get(k) != v}
            if not changes:
                return
            # Recorded before it is written, as a create is: a PATCH whose answer was lost
            # may have applied (a member added to a pool, a pool attached to a virtual).
            self._record_patch(new, _restore_fields(old, new))
            if new.collection == POOL:
                # BIG-IP creates the node of an added member itself: an undo removes it
                # after the pool's members are put back (refused while another pool uses it).
                known = set(_member_addresses(old.body))
                for address in _member_addresses(new.body):
                    if address not in known:
                        self._remember([NODE, new.partition, address])
        try:
            self.device.patch(item_path(new), changes)
        except exceptions.NotFound:
            LOG.info('%s was missing on %s; creating it', new.full_path, self.device.name)
            self._forget_patch(new)
            self._create(new)

    def _delete(self, item):
        if item.collection == POLICY:
            self.device.delete(item_path(item), missing_ok=True)
            self.device.delete(paths.item(POLICY, item.name, item.partition, DRAFTS),
                               missing_ok=True)
        elif _is_file(item):
            self._delete_tolerant(item_path(item))
        else:
            self.device.delete(item_path(item), missing_ok=True)

    # --- helpers --------------------------------------------------------------------------

    def _record(self, item):
        if self.reassert:
            return
        if item.collection == POOL:
            # BIG-IP creates the node of each member itself, and a node left behind keeps
            # the partition from being deleted: an undo removes them after the pool.
            for member in item.body.get('members') or ():
                self._remember([NODE, item.partition, member['address']])
        self._remember([item.collection, item.partition, item.name])

    def _remember(self, entry):
        if entry not in self.created:
            self.created.append(entry)

    def _record_patch(self, item, fields):
        if self.reassert or not fields:
            return
        identity = [item.collection, item.partition, item.name]
        # The first record of an object holds its values from before the run (a plan is
        # written again when the partition vanished mid-run).
        if all(entry[:3] != identity for entry in self.patched):
            self.patched.append(identity + [fields])

    def _forget_patch(self, item):
        identity = [item.collection, item.partition, item.name]
        self.patched = [entry for entry in self.patched if entry[:3] != identity]

    def _upload(self, item):
        self.device.upload(item.upload_name, item.content.encode('utf-8'))

    def _create_files(self, items):
        for item in items:
            self._upload(item)
            self._record(item)
        try:
            with self.device.transaction() as tx:
                for item in items:
                    tx.post(paths.collection(item.collection), item.body)
        except exceptions.TransactionFailed as error:
            # Typically one of them exists already (a run before this one installed it).
            LOG.info('Installing %s together failed (%s); installing them one by one',
                     ', '.join(i.full_path for i in items), error)
            for item in items:
                self._create(item)

    def _write_policy(self, item):
        draft = paths.item(POLICY, item.name, item.partition, DRAFTS)
        try:
            self.device.create(paths.collection(POLICY), dict(item.body, subPath=DRAFTS))
        except exceptions.AlreadyExists:
            # A draft left by a run that died before publishing it.
            self.device.put(draft, _identity_free(item.body))
        try:
            self.device.post(paths.collection(POLICY), {
                'command': 'publish',
                'name': paths.full_path(item.partition, item.name, DRAFTS)})
        except exceptions.DeviceError:
            self.device.delete(draft, missing_ok=True)
            raise

    def _delete_tolerant(self, path):
        try:
            self.device.delete(path, missing_ok=True)
        except exceptions.InUse as error:
            LOG.debug('%s stays: %s', path, error)

    def undo(self, created, patched=()):
        """Put back what a run patched, then remove what it created, each newest first.

        Failures are logged, not raised: an undo does what it can. Restoring first lets go
        of the created objects (a virtual server no longer names the new pool), so that
        BIG-IP allows their delete.
        """
        for collection, partition, name, fields in reversed(list(patched)):
            self._restore(resource.Resource(collection, partition, name,
                                            dict(name=name, partition=partition, **fields)))
        for collection, partition, name in reversed(created):
            item = resource.Resource(collection, partition, name, {})
            try:
                if collection == POLICY:
                    self._delete(item)
                else:
                    self._delete_tolerant(item_path(item))
            except exceptions.DeviceError as error:
                LOG.warning('Could not remove %s from %s while undoing: %s',
                            item.full_path, self.device.name, error)

    def _restore(self, item):
        """Write ``item``'s fields back; an object that is gone stays gone."""
        try:
            if item.collection == POLICY:
                # Publishing would make a policy that is gone (removed by a later run).
                if self.device.exists(item_path(item)):
                    self._write_policy(item)
            else:
                self.device.patch(item_path(item), _identity_free(item.body))
        except exceptions.NotFound:
            LOG.info('%s is gone from %s; nothing to restore', item.full_path,
                     self.device.name)
        except exceptions.DeviceError as error:
            LOG.warning('Could not restore %s on %s while undoing: %s', item.full_path,
                        self.device.name, error)


def _file_group(steps, start):
    """The run of file creates starting at ``start`` (installed in one transaction)."""
    group = []
    for step in steps[start:]:
        if step[0] != 'create' or not _is_file(step[1]):
            break
        group.append(step[1])
    return group


def discover(device, partition, listener_id):
    """The TLS objects a listener's virtual server uses on the device, in creation order.

    Its own client-ssl and server-ssl profiles (as BIG-IP lists them in the virtual's
    profiles) and the certificate, key and CRL files of the partition that they name. Bodies
    are empty: they serve to delete what the listener no longer needs.
    """
    virtual = paths.item('ltm/virtual', names.virtual(listener_id), partition)
    try:
        attached = device.items(virtual + '/profiles')
    except exceptions.NotFound:
        return []
    own = names.listener_object(listener_id, '')
    profiles, files = [], []
    for entry in attached:
        match = _PROFILE_LINK.search((entry.get('nameReference') or {}).get('link', ''))
        collection = match.group(1) if match else None
        if (collection not in plan_mod.SSL_PROFILES or entry.get('partition') != partition
                or not entry.get('name', '').startswith(own)):
            continue
        profiles.append(resource.Resource(collection, partition, entry['name'], {}))
        body = device.get_or_none(paths.item(collection, entry['name'], partition)) or {}
        for field, file_collection, path in _file_references(body):
            prefix = '/%s/' % partition
            if path.startswith(prefix):
                found = resource.Resource(file_collection, partition, path[len(prefix):], {})
                if found not in files:
                    files.append(found)
    return files + profiles


def _file_references(body):
    entries = [body] + list(body.get('certKeyChain') or ())
    for entry in entries:
        for field, collection in _FILE_FIELDS.items():
            value = entry.get(field)
            if isinstance(value, str) and value not in ('', 'none'):
                yield field, collection, value
