# SPDX-License-Identifier: Apache-2.0
"""iControl REST transactions: several writes that the device applies all together or not at all.

    with device.transaction() as tx:
        tx.post(paths.collection('sys/file/ssl-cert'), cert)
        tx.post(paths.collection('sys/file/ssl-key'), key)

The transaction is opened by the first queued command (an empty one is never sent), committed
when the block ends, and aborted when it raises. The device validates nothing while commands are
queued; the commit raises TransactionFailed with the device's reason, after which the device has
rolled everything back (icontrol-rest.md 5).
"""

from oslo_log import log as logging

from octavia_f5.common import exceptions

LOG = logging.getLogger(__name__)

TRANSACTIONS_PATH = '/mgmt/tm/transaction'
COORDINATION_HEADER = 'X-F5-REST-Coordination-Id'
COMPLETED = 'COMPLETED'


class Transaction(object):
    """Commands queued on one device under one transaction id."""

    def __init__(self, device):
        self._device = device
        self.id = None
        self.commands = 0
        self.result = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False

    def post(self, path, body):
        return self._queue('POST', path, body)

    def put(self, path, body):
        return self._queue('PUT', path, body)

    def patch(self, path, body):
        return self._queue('PATCH', path, body)

    def delete(self, path):
        return self._queue('DELETE', path)

    @property
    def path(self):
        return '%s/%s' % (TRANSACTIONS_PATH, self.id)

    def _queue(self, method, path, body=None):
        if self.result is not None:
            raise RuntimeError('transaction %s is already committed' % self.id)
        if self.id is None:
            self._open()
        # Never repeated after an ambiguous failure: a command queued twice would make the
        # commit fail (a duplicate create) or act twice. A refusal of a restarting device
        # (retry.not_applied) queued nothing and is sent again.
        answer = self._device.request(method, path, body=body, idempotent=False,
                                      headers={COORDINATION_HEADER: str(self.id)})
        self.commands += 1
        return answer

    def _open(self):
        # Opening twice after a lost answer only leaves an empty transaction on the device,
        # which it deletes after timeoutSeconds.
        answer = self._device.request('POST', TRANSACTIONS_PATH, body={}, idempotent=True)
        if 'transId' not in answer:
            raise exceptions.InvalidRequest('the device did not open a transaction',
                                            device=self._device.name, method='POST',
                                            path=TRANSACTIONS_PATH)
        self.id = answer['transId']
        LOG.debug('%s: transaction %s opened', self._device.name, self.id)

    def commit(self):
        """Ask the device to apply every queued command; None if nothing was queued."""
        if self.id is None:
            return None
        # The commit carries no coordination header: with it the device would queue the
        # commit as one more command of the transaction.
        try:
            answer = self._device.request('PATCH', self.path, body={'state': 'VALIDATING'},
                                          idempotent=False)
        except (exceptions.DeviceUnavailable, exceptions.AuthenticationFailed):
            raise
        except exceptions.DeviceError as error:
            raise exceptions.TransactionFailed(
                error.message, status=error.status, message_id=error.message_id,
                device=error.device, method=error.method, path=error.path) from error
        if answer.get('state') != COMPLETED:
            reason = self._device.mask(answer.get('failureReason') or 'no reason given')
            raise exceptions.TransactionFailed(
                'transaction ended in state %s: %s' % (answer.get('state'), reason),
                status=200, device=self._device.name, method='PATCH', path=self.path)
        self.result = answer
        LOG.debug('%s: transaction %s committed (%d commands)', self._device.name, self.id,
                  self.commands)
        return answer

    def abort(self):
        """Discard the queued commands; failure to do so is only logged."""
        if self.id is None:
            return
        try:
            self._device.request('DELETE', self.path)
        except exceptions.DeviceError as error:
            LOG.warning('%s: could not abort transaction %s (%s); the device discards it '
                        'after its timeout', self._device.name, self.id, error)
