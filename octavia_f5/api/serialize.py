# SPDX-License-Identifier: Apache-2.0
"""Turn octavia-lib provider objects into plain, JSON-safe dicts for a job payload."""

from octavia_lib.api.drivers import data_models


def to_payload(obj):
    """A provider object as a dict of plain types: every set field, children included.

    ``to_dict(recurse=True)`` is required: without ``recurse`` octavia-lib drops every list-valued
    field (allowed_cidrs, tls_versions, members, ...). Unset fields are left out, so for the
    ``new_*`` object of an update call the result holds exactly the fields the user changed.
    """
    if obj is None:
        return None
    if isinstance(obj, data_models.BaseDataModel):
        obj = obj.to_dict(recurse=True)
    return plain(obj)


def plain(value):
    """Recursively decode bytes (PEM certificates and keys arrive as bytes) into str."""
    if isinstance(value, bytes):
        return value.decode('utf-8')
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, data_models.BaseDataModel):
        return to_payload(value)
    if isinstance(value, data_models.UnsetType):
        return None
    return value
