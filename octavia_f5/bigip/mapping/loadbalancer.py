# SPDX-License-Identifier: Apache-2.0
"""Load balancer -> virtual address (the VIP in the project's route domain)."""

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

HOST_MASK = {4: '255.255.255.255', 6: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'}


def vip(loadbalancer):
    """The VIP as an ipaddress object (validated)."""
    return validation.ip_address('vip_address',
                                 validation.required(loadbalancer, 'vip_address'))


def validate(loadbalancer):
    """Refuse what a virtual address cannot express."""
    names.check_id('loadbalancer_id', loadbalancer.get('loadbalancer_id'))
    vip(loadbalancer)
    vip_port_options(loadbalancer)
    if loadbalancer.get('additional_vips'):
        # One listener would need one virtual server per VIP (a virtual server has exactly one
        # destination); listener, statistics and status mapping assume one.
        raise exceptions.UnsupportedOption(
            'additional_vips', 'a BIG-IP virtual server listens on a single destination '
                               'address; load balancers with additional VIPs are not '
                               'supported by this provider')


def vip_port_options(vip):
    """Refuse VIP port settings that would have no effect on traffic through a BIG-IP.

    A QoS policy or security groups act where Neutron forwards the VIP port's traffic; here the
    port only reserves the address and the BIG-IP serves it, so accepting them would promise a
    limit or a filter that nothing enforces. ``vip`` is a load balancer or a VIP dictionary.
    """
    if vip.get('vip_qos_policy_id'):
        raise exceptions.UnsupportedOption(
            'vip_qos_policy_id', 'a QoS policy on the VIP port is not enforced by a BIG-IP, '
                                 'which does not forward through that port')
    if vip.get('vip_sg_ids'):
        raise exceptions.UnsupportedOption(
            'vip_sg_ids', 'security groups on the VIP port do not filter traffic to a BIG-IP '
                          'virtual server; use the listener\'s allowed_cidrs')


def resources(loadbalancer, ctx):
    """[virtual address]. Disabling it (admin_state_up false) stops every listener on the VIP."""
    validate(loadbalancer)
    address = vip(loadbalancer)
    return [resource.make(
        'ltm/virtual-address', ctx.partition,
        names.virtual_address(loadbalancer['loadbalancer_id']),
        address=names.address(address, ctx.route_domain),
        mask=HOST_MASK[address.version],
        description=escape.description(loadbalancer.get('name'),
                                       loadbalancer.get('description')),
        enabled='yes' if validation.enabled(loadbalancer) else 'no',
        # The flows own its life: BIG-IP must not delete it with the last virtual server.
        autoDelete='false',
        arp='enabled',
        icmpEcho='enabled')]
