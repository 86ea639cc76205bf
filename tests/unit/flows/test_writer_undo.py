# SPDX-License-Identifier: Apache-2.0
"""The Writer's undo: patched fields put back, then created objects removed (bug A)."""

from octavia_f5.bigip.mapping import resource
from octavia_f5.common import exceptions
from octavia_f5.flows import plan
from octavia_f5.flows import writer
from tests.unit.flows import base

P = base.PARTITION
UNIT = ('test', 'unit')
MONITOR = resource.make('ltm/monitor/http', P, 'hm_undo', interval=5, timeout=16)
OLD_POOL = resource.make('ltm/pool', P, 'pool_undo', description='old', monitor='')
NEW_POOL = resource.make('ltm/pool', P, 'pool_undo', description='new',
                         monitor='/%s/hm_undo' % P)
POLICY = {'strategy': '/Common/first-match', 'requires': ['http'],
          'controls': ['forwarding'], 'rules': []}
# The PATCH of the pool: applied or not, its answer never comes.
LOST = {'method': 'PATCH', 'path': '/ltm/pool/~%s~pool_undo$' % P, 'action': 'reset'}
# Fields BIG-IP changes on every write, whatever was written.
VOLATILE = frozenset(('generation', 'lastUpdateMicros', 'revision', 'vsIndex', 'createTime',
                      'lastUpdateTime', 'creationTime', 'lastModifiedTime', 'lastModified'))


def stable(value):
    """A device dump without the fields that change on every write."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def attach_monitor():
    """The plan of a create that attaches its new monitor to an existing pool."""
    return plan.Plan(old=[(UNIT, [OLD_POOL])], new=[(UNIT, [MONITOR, NEW_POOL])])


class TestWriterUndo(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.create('loadbalancer')
        self.device = self.devices[0]
        writer.Writer(self.device).apply(plan.Plan(new=[(UNIT, [OLD_POOL])]))
        self.before = stable(self.device_objects())

    def test_patched_fields_are_recorded_with_their_old_values(self):
        run = writer.Writer(self.device)
        run.apply(attach_monitor())
        self.assertEqual([['ltm/monitor/http', P, 'hm_undo']], run.created)
        self.assertEqual([['ltm/pool', P, 'pool_undo', {'description': 'old', 'monitor': ''}]],
                         run.patched)

    def test_undo_puts_patched_fields_back_then_removes_what_it_created(self):
        run = writer.Writer(self.device)
        run.apply(attach_monitor())
        # The monitor is in use by the pool: without the restore its delete is refused.
        run.undo(run.created, run.patched)
        self.assertEqual(self.before, stable(self.device_objects()))

    def test_patch_applied_with_its_answer_lost_is_undone(self):
        self.sim.sim.add_fault(when='after', **LOST)
        run = writer.Writer(self.device)
        self.assertRaises(exceptions.DeviceUnavailable, run.apply, attach_monitor())
        self.assertEqual('new', self.device_object('ltm/pool', 'pool_undo')['description'])
        run.undo(run.created, run.patched)
        self.assertEqual(self.before, stable(self.device_objects()))

    def test_restoring_a_patch_that_never_applied_changes_nothing(self):
        self.sim.sim.add_fault(**LOST)
        run = writer.Writer(self.device)
        self.assertRaises(exceptions.DeviceUnavailable, run.apply, attach_monitor())
        run.undo(run.created, run.patched)
        run.undo(run.created, run.patched)
        self.assertEqual(self.before, stable(self.device_objects()))

    def test_member_added_by_a_pool_patch_has_its_node_removed_by_the_undo(self):
        member = {'name': '192.168.7.1:80', 'partition': P, 'address': '192.168.7.1'}
        with_member = resource.make('ltm/pool', P, 'pool_undo', description='old',
                                    monitor='', members=[member])
        old = resource.make('ltm/pool', P, 'pool_undo', description='old', monitor='',
                            members=[])
        run = writer.Writer(self.device)
        run.apply(plan.Plan(old=[(UNIT, [old])], new=[(UNIT, [with_member])]))
        self.assertIsNotNone(self.device_object('ltm/node', '192.168.7.1'))
        self.assertEqual([['ltm/node', P, '192.168.7.1']], run.created)
        run.undo(run.created, run.patched)
        self.assertIsNone(self.device_object('ltm/node', '192.168.7.1'))
        self.assertEqual([], self.device_object('ltm/pool', 'pool_undo').get('members', []))

    def test_published_policy_is_put_back_by_publishing_its_old_body(self):
        old = resource.make('ltm/policy', P, 'policy_undo', description='old', **POLICY)
        new = resource.make('ltm/policy', P, 'policy_undo', description='new', **POLICY)
        writer.Writer(self.device).apply(plan.Plan(new=[(UNIT, [old])]))
        published = self.device_objects()
        run = writer.Writer(self.device)
        run.apply(plan.Plan(old=[(UNIT, [old])], new=[(UNIT, [new])]))
        self.assertEqual('new', self.device_object('ltm/policy', 'policy_undo')['description'])
        run.undo(run.created, run.patched)
        self.assertEqual('old', self.device_object('ltm/policy', 'policy_undo')['description'])
        self.assertEqual(set(published['ltm/policy']),
                         set(self.device_objects()['ltm/policy']))

    def test_restore_of_an_object_that_is_gone_is_skipped(self):
        writer.Writer(self.device).undo(
            [], [['ltm/pool', P, 'pool_gone', {'description': 'old'}]])
        self.assertIsNone(self.device_object('ltm/pool', 'pool_gone'))

    def test_reassert_records_nothing_to_undo(self):
        run = writer.Writer(self.device, reassert=True)
        run.apply(attach_monitor())
        self.assertEqual(([], []), (run.created, run.patched))


class TestFlowUndo(base.FlowTestCase):
    """Creates whose attaching PATCH applied but went unanswered leave the device as before."""

    def setUp(self):
        super().setUp()
        self.lb, self.listener, self.pool = self.basic_lb()
        self.lb_id = self.lb['loadbalancer_id']

    def _fails_after_applying(self, path, kind, parent_id, **fields):
        before = stable(self.device_objects())
        self.sim.sim.add_fault(method='PATCH', path=path, action='reset', when='after')
        obj = self.octavia.add(kind, parent_id, **fields)
        op = 'health_monitor_create' if kind == 'healthmonitor' else kind + '_create'
        self.assertRaises(exceptions.DeviceUnavailable, self.run_flow, op,
                          self.octavia.payload(kind, obj[kind + '_id']))
        self.assertEqual(1, self.sim.sim.faults()[0]['applied'])
        self.assertEqual(before, stable(self.device_objects()))
        self.assertStatus(kind + 's', obj[kind + '_id'], 'ERROR')

    def test_member_create_whose_pool_patch_is_unanswered(self):
        self._fails_after_applying('/ltm/pool/', 'member', self.pool['pool_id'],
                                   address='192.168.9.1')

    def test_health_monitor_create_whose_pool_patch_is_unanswered(self):
        self._fails_after_applying('/ltm/pool/', 'healthmonitor', self.pool['pool_id'])

    def test_pool_create_whose_virtual_server_patch_is_unanswered(self):
        listener = self.create('listener', self.lb_id, protocol_port=8080)
        self._fails_after_applying('/ltm/virtual/', 'pool', self.lb_id,
                                   listener_id=listener['listener_id'],
                                   session_persistence={'type': 'SOURCE_IP'})
