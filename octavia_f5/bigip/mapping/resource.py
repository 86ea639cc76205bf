# SPDX-License-Identifier: Apache-2.0
"""Resource: one BIG-IP object the mapping wants on the device, with its exact JSON body."""

import dataclasses
import typing

from octavia_f5.bigip import names

# Objects installed from an uploaded file: the client uploads ``content`` first, to the file
# named at the end of the body's ``sourcePath`` (/mgmt/shared/file-transfer/uploads/<file>).
FILE_COLLECTIONS = ('sys/file/ssl-cert', 'sys/file/ssl-key', 'sys/file/ssl-crl')
# Collections whose ``content`` is secret: never log it, never put it in an exception or a job.
SECRET_COLLECTIONS = ('sys/file/ssl-key',)


@dataclasses.dataclass(frozen=True)
class Resource:
    """A BIG-IP object: where it lives and the body to POST (or PATCH/PUT) to create it.

    ``collection`` is the path under /mgmt/tm ('ltm/pool', 'ltm/monitor/http', ...);
    ``partition`` is None only for the partition itself ('auth/partition'). ``body`` carries
    ``name`` and ``partition`` as BIG-IP expects them in a POST. ``content`` is the PEM text of
    a file object (certificate, key, CRL); it is left out of repr() because keys are secrets.
    """

    collection: str
    partition: typing.Optional[str]
    name: str
    body: dict
    content: typing.Optional[str] = dataclasses.field(default=None, repr=False,
                                                      compare=True)

    @property
    def full_path(self):
        """'/Partition/name' (the partition object's own fullPath is its bare name)."""
        if self.partition is None:
            return self.name
        return names.full_path(self.partition, self.name)

    @property
    def secret(self):
        """True when ``content`` must be masked wherever it could be shown."""
        return self.collection in SECRET_COLLECTIONS

    @property
    def upload_name(self):
        """The file name to upload ``content`` to before the POST, or None."""
        if self.collection not in FILE_COLLECTIONS:
            return None
        return self.body['sourcePath'].rsplit('/', 1)[1]


def make(collection, partition, name, content=None, **fields):
    """A Resource whose body starts with name and partition, then ``fields`` as given."""
    body = {'name': name}
    if partition is not None:
        body['partition'] = partition
    body.update(fields)
    return Resource(collection, partition, name, body, content)


def file_object(collection, partition, name, content):
    """A certificate, key or CRL installed from an uploaded copy of ``content``."""
    return make(collection, partition, name, content=content,
                sourcePath=names.upload_path(partition, name))


def reference(resource):
    """How another object's body refers to ``resource``: its full path."""
    return resource.full_path
