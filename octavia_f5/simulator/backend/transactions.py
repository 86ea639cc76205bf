# SPDX-License-Identifier: Apache-2.0
"""iControl REST transactions: queued commands, all-or-nothing commit, abort and expiry.

Commands are only checked for their URL when queued; the commit applies them in evalOrder to
the live configuration under the undo journal, runs the deferred cross-object checks last and
rolls everything back on the first refusal (reference section 5).
"""

import time

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import names

DEFAULT_TIMEOUT = 120
SETTABLE = frozenset(('state', 'validateOnly', 'timeoutSeconds', 'asyncExecution'))


class Transaction:
    def __init__(self, trans_id, created, timeout):
        self.trans_id = trans_id
        self.created = created
        self.timeout = timeout
        self.state = 'STARTED'
        self.validate_only = False
        self.failure = ''
        self.commands = []
        self.next_command = 1


class Transactions:
    """The transactions of one device, keyed by transId (a string, as the header carries it)."""

    def __init__(self, backend):
        self.backend = backend
        self.items = {}
        self._last_id = 0

    def expire(self):
        """A transaction not committed within timeoutSeconds is silently deleted."""
        now = self.backend.clock()
        for key in [k for k, t in self.items.items() if now - t.created > t.timeout]:
            del self.items[key]

    def get(self, key, status=404):
        found = self.items.get(str(key))
        if found is None:
            # [U] text.
            raise errors.bad_request('Transaction %s does not exist.' % key) if status == 400 \
                else errors.BigipError(404, 'Transaction %s does not exist.' % key,
                                       errors.FRAMEWORK)
        return found

    # --- /mgmt/tm/transaction[/<id>[/commands[/<n>]]] ----------------------------------------

    def handle(self, method, raw_path, segs, body, transaction_id):
        if transaction_id is not None:
            raise errors.bad_request('Transaction %s operation %s %s is not allowed to be added '
                                     'to transaction.' % (transaction_id, method,
                                                          'https://localhost' + raw_path))
        if not segs:
            if method == 'GET':
                items = [self.render(t) for t in self.items.values()]
                out = {'kind': 'tm:transactioncollectionstate',
                       'selfLink': '%stransaction?ver=%s' % (names.LINK, self.backend.version)}
                if items:
                    out['items'] = items
                return 200, out
            _allow(method, 'POST')
            return 200, self.render(self.create(body))
        trans = self.get(segs[0])
        if len(segs) == 1:
            if method == 'GET':
                return 200, self.render(trans)
            if method == 'DELETE':
                del self.items[str(trans.trans_id)]
                return 200, None
            _allow(method, 'PATCH')
            return 200, self.patch(trans, body)
        if segs[1] != 'commands' or len(segs) > 3:
            raise errors.unregistered(raw_path)
        if len(segs) == 2:
            _allow(method, 'GET')
            out = {'kind': 'tm:transaction:commandscollectionstate',
                   'selfLink': '%s/commands?ver=%s' % (self.link(trans), self.backend.version)}
            if trans.commands:
                out['items'] = [self.render_command(trans, c) for c in trans.commands]
            return 200, out
        return self.command_item(method, trans, segs[2], body)

    def create(self, body):
        body = body or {}
        for key in body:
            if key not in ('timeoutSeconds', 'validateOnly', 'asyncExecution'):
                raise errors.unexpected_pair('/transaction', key, body[key])
        trans_id = max(int(time.time() * 1e6), self._last_id + 1)
        self._last_id = trans_id
        trans = Transaction(trans_id, self.backend.clock(),
                            int(body.get('timeoutSeconds', DEFAULT_TIMEOUT)))
        trans.validate_only = body.get('validateOnly') is True
        self.items[str(trans_id)] = trans
        return trans

    def patch(self, trans, body):
        if not isinstance(body, dict) or set(body) - SETTABLE:
            raise errors.invalid_value('transaction', body)
        if body.get('asyncExecution'):
            raise errors.invalid_value('asyncExecution', body['asyncExecution'])
        if 'timeoutSeconds' in body:
            trans.timeout = int(body['timeoutSeconds'])
        if 'validateOnly' in body:
            trans.validate_only = body['validateOnly'] is True
        if 'state' in body:
            if body['state'] != 'VALIDATING':
                raise errors.invalid_value('state', body['state'])
            self.commit(trans)
        return self.render(trans)

    def command_item(self, method, trans, number, body):
        command = next((c for c in trans.commands if str(c['commandId']) == number), None)
        if command is None:
            raise errors.bad_request('Found invalid command id %s' % number)
        if method == 'GET':
            return 200, self.render_command(trans, command)
        if method == 'DELETE':
            trans.commands.remove(command)
        else:
            _allow(method, 'PATCH')
            order = (body or {}).get('evalOrder')
            if not isinstance(order, int) or not 1 <= order <= len(trans.commands):
                raise errors.invalid_value('evalOrder', order)
            trans.commands.remove(command)
            trans.commands.insert(order - 1, command)
        for index, item in enumerate(trans.commands, 1):
            item['evalOrder'] = index
        return 200, None if method == 'DELETE' else self.render_command(trans, command)

    # --- queue and commit ----------------------------------------------------------------------

    def queue(self, key, method, raw_path, query, body):
        trans = self.get(key, status=400)
        if trans.state != 'STARTED':
            raise errors.bad_request('Transaction %s is not in STARTED state (%s).'
                                     % (key, trans.state))
        command = {'method': method, 'raw_path': raw_path, 'query': dict(query), 'body': body,
                   'commandId': trans.next_command, 'evalOrder': len(trans.commands) + 1}
        trans.next_command += 1
        trans.commands.append(command)
        return 200, self.render_command(trans, command)

    def commit(self, trans):
        if trans.state != 'STARTED':
            raise errors.bad_request('Transaction %s is not in STARTED state (%s).'
                                     % (trans.trans_id, trans.state))
        if not trans.commands:
            raise errors.bad_request('there is no command to commit in the transaction',
                                     errors.TRANSACTION)
        backend, cfg = self.backend, self.backend.cfg
        cfg.begin()
        cfg.in_transaction = True
        try:
            for command in trans.commands:
                if command['method'] == 'PATCH' and command['body'] == {}:
                    raise errors.bad_request('one or more properties must be specified')
                backend.apply(command['method'], command['raw_path'], command['query'],
                              command['body'])
            cfg.finish()
        except errors.BigipError as exc:
            cfg.rollback()
            trans.state = 'FAILED'
            trans.failure = exc.message
            raise errors.BigipError(400, 'transaction failed:' + exc.message, errors.TRANSACTION)
        finally:
            cfg.in_transaction = False
        if trans.validate_only:
            cfg.rollback()
        else:
            cfg.commit()
        trans.state = 'COMPLETED'

    # --- rendering -----------------------------------------------------------------------------

    def link(self, trans):
        return '%stransaction/%s' % (names.LINK, trans.trans_id)

    def render(self, trans):
        return {'transId': trans.trans_id, 'state': trans.state,
                'timeoutSeconds': trans.timeout, 'asyncExecution': False,
                'validateOnly': trans.validate_only, 'executionTimeout': 300,
                'executionTime': 0, 'failureReason': trans.failure,
                'kind': 'tm:transactionstate',
                'selfLink': '%s?ver=%s' % (self.link(trans), self.backend.version)}

    def render_command(self, trans, command):
        out = {'method': command['method'], 'uri': 'https://localhost' + command['raw_path']}
        if command['body'] is not None:
            out['body'] = command['body']
        out.update(evalOrder=command['evalOrder'], commandId=command['commandId'],
                   kind='tm:transaction:commandsstate',
                   selfLink='%s/commands/%d?ver=%s' % (self.link(trans), command['commandId'],
                                                       self.backend.version))
        return out


def _allow(method, allowed):
    if method != allowed:
        raise errors.BigipError(405, 'Method %s is not allowed on this URI.' % method,
                                errors.FRAMEWORK)
