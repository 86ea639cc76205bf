# SPDX-License-Identifier: Apache-2.0
"""Golden tests of members -> the inline members list of a pool."""

from octavia_f5.bigip.mapping import member
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


class TestMemberGolden(base.MappingTestCase):

    family = 'member'

    def _bodies(self, members, ctx=None, **pool_fields):
        pool = fixtures.pool(members=members, **pool_fields)
        return member.bodies(pool, ctx or fixtures.ctx())

    def assertMembers(self, case, bodies):
        # Golden files hold lists of resources; members are one body each here.
        self.assertGolden(case, [_Body(b) for b in bodies])

    def test_enabled_weighted_ipv4_and_ipv6(self):
        self.assertMembers('weighted_v4_v6', self._bodies([
            fixtures.member(0, weight=10),
            fixtures.member(1, address='2001:DB8::0:2', weight=256)]))

    def test_weight_zero_drains(self):
        self.assertMembers('drain', self._bodies([fixtures.member(0, weight=0)]))

    def test_disabled_member_is_forced_offline(self):
        self.assertMembers('disabled', self._bodies([fixtures.member(0,
                                                                     admin_state_up=False)]))

    def test_disabled_pool_forces_every_member_offline(self):
        self.assertMembers('pool_disabled', self._bodies([fixtures.member(0)],
                                                         admin_state_up=False))

    def test_backup_members_use_priority_groups(self):
        self.assertMembers('backup', self._bodies([fixtures.member(0),
                                                   fixtures.member(1, backup=True)]))

    def test_route_domain_zero_member_names(self):
        self.assertMembers('route_domain_zero', self._bodies(
            [fixtures.member(0), fixtures.member(1, address='2001:db8::2')],
            ctx=fixtures.ctx(route_domain=0)))


class TestNodes(base.MappingTestCase):

    def test_one_node_per_address_in_member_order(self):
        pool = fixtures.pool(members=[
            fixtures.member(0, address='10.0.0.9', protocol_port=80),
            fixtures.member(1, address='2001:db8::9'),
            fixtures.member(2, address='10.0.0.9', protocol_port=81)])
        items = member.nodes(pool, fixtures.ctx())
        self.assertEqual([('ltm/node', '10.0.0.9%12', {'name': '10.0.0.9%12',
                                                       'partition': 'octavia_' + fixtures.PROJECT,
                                                       'address': '10.0.0.9%12'}),
                          ('ltm/node', '2001:db8::9%12', {
                              'name': '2001:db8::9%12',
                              'partition': 'octavia_' + fixtures.PROJECT,
                              'address': '2001:db8::9%12'})],
                         [(i.collection, i.name, i.body) for i in items])


class TestMemberRefusals(base.MappingTestCase):

    def test_weight_above_256_is_refused(self):
        self.assertInvalid('weight', '0-256', member.validate,
                           fixtures.member(0, weight=257).to_dict())

    def test_bad_addresses_and_ports_are_refused(self):
        self.assertInvalid('address', 'IPv4 or IPv6', member.validate,
                           fixtures.member(0, address='host.example').to_dict())
        self.assertInvalid('protocol_port', '1-65535', member.validate,
                           fixtures.member(0, protocol_port=0).to_dict())
        self.assertInvalid('monitor_address', 'IPv4 or IPv6', member.validate,
                           fixtures.member(0, monitor_address='x').to_dict())
        self.assertInvalid('monitor_port', '1-65535', member.validate,
                           fixtures.member(0, monitor_port=70000).to_dict())

    def test_addresses_that_are_no_unicast_host_are_refused(self):
        for address, reason in (('0.0.0.0', 'unspecified'), ('::', 'unspecified'),
                                ('127.0.0.1', 'loopback'), ('127.1.1.254', 'loopback'),
                                ('::1', 'loopback'), ('224.0.0.1', 'multicast'),
                                ('ff02::1', 'multicast'), ('255.255.255.255', 'broadcast'),
                                ('::ffff:192.0.2.9', 'give the IPv4 address 192.0.2.9')):
            self.assertInvalid('address', reason, member.validate,
                               fixtures.member(0, address=address).to_dict())
        self.assertInvalid('monitor_address', 'loopback', member.validate,
                           fixtures.member(0, monitor_address='127.0.0.1').to_dict())


class _Body(object):
    """Lets a member body be stored through the golden-file format of resources."""

    collection = 'ltm/pool/members'
    content = None

    def __init__(self, body):
        self.body = body
        self.partition = body['partition']
        self.name = body['name']
