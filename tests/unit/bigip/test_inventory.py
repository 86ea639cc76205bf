# SPDX-License-Identifier: Apache-2.0
"""Tests of octavia_f5.bigip.inventory: device collections read back by Octavia id."""

from octavia_f5.bigip import inventory
from tests import base

P = 'octavia_c0ffee00c0ffee00c0ffee00c0ffee00'
LB = '11111111-1111-4111-8111-111111111111'
LB2 = '11111111-1111-4111-8111-111111111112'
LISTENER = '22222222-2222-4222-8222-222222222222'
POOL = '33333333-3333-4333-8333-333333333333'
HM = '44444444-4444-4444-8444-444444444444'
MEMBER = '55555555-5555-4555-8555-555555555551'
MEMBER2 = '55555555-5555-4555-8555-555555555552'
LISTENER2 = '22222222-2222-4222-8222-222222222223'
LISTENER3 = '22222222-2222-4222-8222-222222222224'


def va(lb_id=LB, address='192.0.2.10%12', enabled='yes', partition=P, generation=3):
    return {'fullPath': '/%s/lb_%s' % (partition, lb_id), 'address': address,
            'enabled': enabled, 'generation': generation}


def virtual(listener_id=LISTENER, destination=None, pool=POOL, partition=P, **extra):
    item = {'fullPath': '/%s/listener_%s' % (partition, listener_id),
            'destination': destination or '/%s/lb_%s:80' % (partition, LB),
            'pool': '/%s/pool_%s' % (partition, pool) if pool else '', 'enabled': True,
            'connectionLimit': 0, 'generation': 9}
    item.update(extra)
    return item


def member(member_id=MEMBER, state='up', session='monitor-enabled', name='10.0.0.1%12:80'):
    return {'kind': 'tm:ltm:pool:members:membersstate', 'name': name, 'partition': P,
            'fullPath': '/%s/%s' % (P, name), 'generation': 11, 'address': name[:-3],
            'description': member_id, 'state': state, 'session': session, 'ratio': 1}


def pool(pool_id=POOL, monitor='/%s/hm_%s ' % (P, HM), members=(), partition=P):
    reference = {'link': 'https://localhost/mgmt/tm/ltm/pool/~%s~pool_%s/members?ver=17.1.1'
                         % (partition, pool_id), 'isSubcollection': True}
    if members:
        reference['items'] = list(members)
    item = {'fullPath': '/%s/pool_%s' % (partition, pool_id), 'membersReference': reference,
            'generation': 10}
    if monitor is not None:
        item['monitor'] = monitor
    return item


def answer(*items):
    out = {'kind': 'tm:ltm:x:xcollectionstate', 'selfLink': 'https://localhost/mgmt/tm/x'}
    if items:
        out['items'] = list(items)
    return out


def vs_stats(listener_id=LISTENER, partition=P, **counters):
    name = '/%s/listener_%s' % (partition, listener_id)
    key = 'https://localhost/mgmt/tm/ltm/virtual/%s/stats' % name.replace('/', '~')
    entries = {'tmName': {'description': name}}
    entries.update({k: {'value': v} for k, v in counters.items()})
    return {'entries': {key: {'nestedStats': {'entries': entries}}}}


def parse(addresses=(), virtuals=(), pools=(), statistics=None, prefix='octavia_'):
    return inventory.parse(prefix, inventory.addresses(prefix, answer(*addresses)),
                           answer(*virtuals), answer(*pools), statistics or {})


class FakeDevice:
    """Answers GETs from a {path: answer} table and records them."""

    name = 'bigip1'

    def __init__(self, answers):
        self.answers = answers
        self.requests = []

    def get(self, path, params=None):
        self.requests.append((path, params))
        return self.answers[path]


class TestRead(base.TestCase):

    def test_read_sends_the_four_collection_gets_and_nothing_else(self):
        device = FakeDevice({inventory.VIRTUAL_ADDRESSES: answer(va()),
                             inventory.VIRTUALS: answer(virtual()),
                             inventory.POOLS: answer(pool(members=[member()])),
                             inventory.VIRTUAL_STATS: vs_stats()})
        snapshot = inventory.read(device, 'octavia_')
        self.assertEqual([
            ('/mgmt/tm/ltm/virtual-address',
             {'$select': 'fullPath,address,enabled,generation'}),
            ('/mgmt/tm/ltm/virtual',
             {'$select': 'fullPath,destination,pool,enabled,disabled,connectionLimit,'
                         'generation'}),
            ('/mgmt/tm/ltm/pool', {'$select': 'fullPath,monitor,membersReference,generation',
                                   'expandSubcollections': 'true'}),
            ('/mgmt/tm/ltm/virtual/stats', None)], device.requests)
        self.assertEqual([LB], list(snapshot.loadbalancers))
        self.assertEqual([LISTENER], list(snapshot.listeners))
        self.assertEqual([POOL], list(snapshot.pools))


class TestParse(base.TestCase):

    def test_full_tree_by_octavia_id(self):
        members = [member(), member(MEMBER2, 'down', name='10.0.0.2%12:80')]
        snapshot = parse([va()], [virtual(connectionLimit=100)], [pool(members=members)],
                         vs_stats(**{'clientside.bitsIn': 80}))
        self.assertEqual(inventory.LoadBalancer(LB, True, 3), snapshot.loadbalancers[LB])
        listener = snapshot.listeners[LISTENER]
        self.assertEqual((LB, POOL, True, 100, 9),
                         (listener.loadbalancer_id, listener.pool_id, listener.enabled,
                          listener.connection_limit, listener.generation))
        self.assertEqual(80, listener.counters['clientside.bitsIn'])
        self.assertEqual(inventory.Pool(POOL, HM, (
            inventory.Member(MEMBER, 'up', 'monitor-enabled', 11),
            inventory.Member(MEMBER2, 'down', 'monitor-enabled', 11)), 10),
            snapshot.pools[POOL])
        self.assertEqual([snapshot.listeners[LISTENER]], snapshot.listeners_of(LB))
        self.assertEqual([snapshot.listeners[LISTENER]], snapshot.listeners_using(POOL))

    def test_empty_collections_without_items_give_an_empty_snapshot(self):
        snapshot = parse()
        self.assertEqual(({}, {}, {}), (snapshot.loadbalancers, snapshot.listeners,
                                        snapshot.pools))

    def test_objects_outside_our_partitions_are_ignored(self):
        snapshot = parse([va(partition='Common'), va(LB2, partition='other_tenant')],
                         [virtual(partition='Common')], [pool(partition='Common')])
        self.assertEqual(({}, {}, {}), (snapshot.loadbalancers, snapshot.listeners,
                                        snapshot.pools))

    def test_common_is_never_ours_even_with_an_empty_prefix(self):
        snapshot = parse([va(partition='Common'), va(LB2)], prefix='')
        self.assertEqual([LB2], list(snapshot.loadbalancers))

    def test_objects_not_named_by_the_driver_are_ignored(self):
        foreign = {'fullPath': '/%s/my_vs' % P, 'destination': '/%s/1.1.1.1:80' % P}
        sub_path = dict(virtual(), fullPath='/%s/app/listener_%s' % (P, LISTENER))
        bad_id = dict(virtual(), fullPath='/%s/listener_bad id' % P)
        snapshot = parse([], [foreign, sub_path, bad_id])
        self.assertEqual({}, snapshot.listeners)

    def test_disabled_virtual_address_and_virtual_server(self):
        snapshot = parse([va(enabled='no')], [virtual(disabled=True, enabled=None)])
        self.assertFalse(snapshot.loadbalancers[LB].enabled)
        self.assertFalse(snapshot.listeners[LISTENER].enabled)

    def test_destination_named_by_address_is_matched_to_its_virtual_address(self):
        snapshot = parse([va(address='192.0.2.10%12'), va(LB2, address='192.0.2.11%12')],
                         [virtual(destination='/%s/192.0.2.11%%12:443' % P)])
        self.assertEqual(LB2, snapshot.listeners[LISTENER].loadbalancer_id)

    def test_ipv6_destination_by_name_and_by_address(self):
        by_name = parse([va(address='2001:db8::1%12')],
                        [virtual(destination='/%s/lb_%s.80' % (P, LB))])
        by_address = parse([va(address='2001:db8:0::1%12')],
                           [virtual(destination='/%s/2001:db8::1%%12.80' % P)])
        self.assertEqual(LB, by_name.listeners[LISTENER].loadbalancer_id)
        self.assertEqual(LB, by_address.listeners[LISTENER].loadbalancer_id)

    def test_destination_in_another_route_domain_matches_no_load_balancer(self):
        snapshot = parse([va(address='192.0.2.10%12')],
                         [virtual(destination='/%s/192.0.2.10%%13:80' % P)])
        self.assertIsNone(snapshot.listeners[LISTENER].loadbalancer_id)

    def test_listener_without_default_pool(self):
        snapshot = parse([va()], [virtual(pool=None)])
        self.assertIsNone(snapshot.listeners[LISTENER].pool_id)

    def test_default_pool_in_another_partition_is_not_ours(self):
        item = dict(virtual(), pool='/Common/pool_%s' % POOL)
        self.assertIsNone(parse([va()], [item]).listeners[LISTENER].pool_id)

    def test_health_monitor_from_every_monitor_rule_form(self):
        hm = '/%s/hm_%s' % (P, HM)
        cases = {hm: HM, hm + ' ': HM, '/Common/http and %s' % hm: HM,
                 'min 1 of { /Common/tcp %s }' % hm: HM, '': None, None: None,
                 '/Common/http': None, '/other/hm_%s' % HM: None}
        for monitor, expected in cases.items():
            snapshot = parse(pools=[pool(monitor=monitor)])
            self.assertEqual(expected, snapshot.pools[POOL].healthmonitor_id, monitor)

    def test_members_without_an_octavia_id_description_are_skipped(self):
        foreign = dict(member(), description='added by hand')
        missing = {k: v for k, v in member(MEMBER2).items() if k != 'description'}
        snapshot = parse(pools=[pool(members=[foreign, missing, member()])])
        self.assertEqual([MEMBER], [m.id for m in snapshot.pools[POOL].members])

    def test_pool_without_members_has_none(self):
        self.assertEqual((), parse(pools=[pool()]).pools[POOL].members)

    def test_listener_missing_from_the_statistics_has_no_counters(self):
        snapshot = parse([va()], [virtual()], statistics={'kind': 'x'})
        self.assertIsNone(snapshot.listeners[LISTENER].counters)

    def test_statistics_not_read_give_no_counters(self):
        snapshot = inventory.parse('octavia_', inventory.addresses('octavia_', answer(va())),
                                   answer(virtual()), answer(), None)
        self.assertIsNone(snapshot.listeners[LISTENER].counters)


class TestNamedLoadBalancers(base.TestCase):

    def test_load_balancers_named_by_destination_whatever_the_virtual_addresses(self):
        virtuals = answer(virtual(), virtual(LISTENER2, destination='/%s/lb_%s.80' % (P, LB2)),
                          virtual(LISTENER3, destination='/%s/192.0.2.10%%12:80' % P),
                          virtual(partition='Common'))
        self.assertEqual({LB, LB2}, inventory.named_loadbalancers('octavia_', virtuals))

    def test_no_virtual_servers_name_nothing(self):
        self.assertEqual(set(), inventory.named_loadbalancers('octavia_', answer()))
