# SPDX-License-Identifier: Apache-2.0
"""Pure translation of Octavia objects into BIG-IP objects: what the driver writes, decided here.

No I/O happens in this package. Inputs are Octavia provider dicts as octavia-lib's
``to_dict(recurse=True)`` produces them (TLS material as str) plus a ``context.Context``
(partition prefix, route domain, SNAT, flavor). Outputs are lists of ``resource.Resource``
(collection, partition, name, exact JSON body, optional file content) in creation order;
delete in reverse order.

One family per module, one regular API::

    tenancy.resources(ctx)                              -> [route domain, partition]
    tenancy.pick_route_domain_id(project_id, taken, low, high)
    loadbalancer.resources(loadbalancer, ctx)           -> [virtual address]
    listener.resources(listener, loadbalancer, pools, ctx)
        -> [cert/key/CRL files, tcp|udp|sctp, http, client-ssl, server-ssl profiles,
            persistence profiles (+ their iRule), data group, iRules, LTM policy, virtual]
    pool.resources(pool, ctx)                           -> [monitors..., pool with members]
    member.nodes(pool, ctx)                             -> [nodes] (BIG-IP creates them)
    monitor.resources(healthmonitor, members, ctx)      (part of pool.resources)

and a ``validate`` per family that raises without building anything, for the API driver to
refuse requests up front from the same rules: ``loadbalancer.validate``,
``listener.validate`` (optionally with a ctx, for the flavor's rules), ``pool.validate``,
``member.validate``, ``monitor.validate``, ``l7rules.validate_policy``,
``l7rules.validate_rule``, ``context.validate_flavor`` (the one check of flavor keys, whose
table ``context.FLAVOR_KEYS`` the API driver shows as its flavor capabilities).
Every refusal is ``exceptions.UnsupportedOption(field, reason)`` (BIG-IP cannot express it)
or ``exceptions.InvalidValue(field, reason)`` (unsafe or malformed value).

Ownership: every object an Octavia object owns is named ``<kind>_<id>[_<role>]``
(``octavia_f5.bigip.names``), so an object of a listener that its current ``resources()`` no
longer lists is obsolete and can be removed. Certificates and keys are shared by TLS
container id: "exists" on create and "in use"/"not found" on delete are success for them.
Sub-collections travel inline (pool ``members``, virtual ``profiles``, ``policies`` and
``rules``, policy ``rules``): a PATCH with the list replaces it wholesale.
Optional references are always present ('' or [] when unset) so that a PATCH clears them.
"""
