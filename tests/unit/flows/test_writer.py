# SPDX-License-Identifier: Apache-2.0
"""The Writer against the simulator: convergent creates, drafts, file transactions, undo."""

from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import paths
from octavia_f5.flows import plan
from octavia_f5.flows import writer
from tests.unit.flows import base
from tests.unit.flows import certs

P = base.PARTITION


def create_plan(*items):
    return plan.Plan(new=[(('test', 'unit'), list(items))])


def files(container):
    cid = container['id']
    return [resource.file_object('sys/file/ssl-cert', P, 'tls_%s.crt' % cid,
                                 container['certificate']),
            resource.file_object('sys/file/ssl-key', P, 'tls_%s.key' % cid,
                                 container['private_key'])]


class TestWriter(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.create('loadbalancer')
        self.device = self.devices[0]
        self.writer = writer.Writer(self.device)

    def test_certificate_and_key_are_installed_in_one_transaction(self):
        self.sim.sim.clear_calls()
        self.writer.apply(create_plan(*files(certs.container('tx.example.com'))))
        installs = [c for c in self.rest_calls() if '/sys/file/' in c['path']]
        self.assertEqual(2, len(installs))
        self.assertEqual(1, len({c['transaction'] for c in installs}))
        self.assertIsNotNone(installs[0]['transaction'])
        self.assertEqual(2, len(self.writer.created))

    def test_files_found_installed_are_kept_and_the_rest_installed(self):
        cert, key = files(certs.container('half.example.com'))
        writer.Writer(self.device).apply(create_plan(cert))
        self.writer.apply(create_plan(cert, key))
        self.assertIsNotNone(self.device_object('sys/file/ssl-key', key.name))
        self.assertIsNotNone(self.device_object('sys/file/ssl-cert', cert.name))

    def test_stale_draft_of_a_policy_is_overwritten_and_published(self):
        listener = self.create('listener', self.octavia.all_ids()[0][1])
        name = 'listener_%s_l7' % listener['listener_id']
        body = {'strategy': '/Common/first-match', 'requires': ['http'],
                'controls': ['forwarding'], 'rules': []}
        self.device.post(paths.collection('ltm/policy'),
                         dict(body, name=name, partition=P, subPath='Drafts',
                              description='stale'))
        item = resource.make('ltm/policy', P, name, **body)
        self.writer.apply(create_plan(item))
        policies = self.device_objects()['ltm/policy']
        self.assertEqual(['/%s/%s' % (P, name)], list(policies))
        self.assertEqual('published', policies['/%s/%s' % (P, name)]['status'])

    def test_create_finding_the_object_patches_it_to_match(self):
        item = resource.make('ltm/monitor/tcp', P, 'hm_x', interval=5, timeout=16)
        self.device.post(paths.collection('ltm/monitor/tcp'),
                         {'name': 'hm_x', 'partition': P, 'interval': 9, 'timeout': 31})
        self.writer.apply(create_plan(item))
        self.assertEqual(5, self.device_object('ltm/monitor/tcp', 'hm_x')['interval'])
        self.assertEqual([['ltm/monitor/tcp', P, 'hm_x']], self.writer.created)

    def test_undo_removes_created_objects_and_skips_those_in_use(self):
        items = files(certs.container('undo.example.com'))
        self.writer.apply(create_plan(*items))
        chain = [{'name': 'default', 'cert': items[0].full_path, 'key': items[1].full_path}]
        profile = resource.make('ltm/profile/client-ssl', P, 'user',
                                defaultsFrom='/Common/clientssl', certKeyChain=chain)
        writer.Writer(self.device).apply(create_plan(profile))
        self.writer.undo(self.writer.created)
        self.assertIsNotNone(self.device_object('sys/file/ssl-key', items[1].name))
        self.device.delete(writer.item_path(profile))
        self.writer.undo(self.writer.created)
        self.assertNotIn('sys/file/ssl-key', self.device_objects())

    def test_discover_finds_a_listeners_ssl_profiles_and_their_files(self):
        lb_id = self.octavia.all_ids()[0][1]
        container = certs.container('found.example.com')
        listener = self.create('listener', lb_id, protocol='TERMINATED_HTTPS',
                               protocol_port=443, default_tls_container_ref='r',
                               default_tls_container_data=container)
        found = writer.discover(self.device, P, listener['listener_id'])
        cid = container['id']
        # Files first, then the profiles naming them (creation order).
        self.assertEqual([('sys/file/ssl-cert', 'tls_%s.crt' % cid),
                          ('sys/file/ssl-cert', 'tls_%s_chain.crt' % cid),
                          ('sys/file/ssl-key', 'tls_%s.key' % cid),
                          ('ltm/profile/client-ssl', 'listener_%s_tls_%s' % (
                              listener['listener_id'], cid))],
                         [(f.collection, f.name) for f in found])

    def test_discover_of_a_missing_virtual_finds_nothing(self):
        self.assertEqual([], writer.discover(self.device, P, 'no-such-listener'))
