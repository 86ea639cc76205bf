# SPDX-License-Identifier: Apache-2.0
"""File-transfer uploads: chunks with Content-Range, whole files handed to the backend."""

import re
import threading
import time

from octavia_f5.simulator import errors
from octavia_f5.simulator import http

UPLOADS_PATH = '/mgmt/shared/file-transfer/uploads/'
DOWNLOADS_DIR = '/var/config/rest/downloads/'
_RANGE = re.compile(r'^\s*(?:bytes\s+)?(\d+)-(\d+)/(\d+)\s*$')


class Uploads:
    """Assembles chunked uploads of one device (reference 3.15, step 1).

    A chunk names its byte range and the device writes it there (the worker's answer lists
    ``usedChunks`` by offset): a chunk sent again, e.g. after its answer was lost, rewrites the
    same bytes, also after the file is complete. A chunk at offset 0 starts the file anew.
    Gaps and ranges that cut through a received chunk are refused [U].
    """

    def __init__(self, backend):
        self.backend = backend
        # name -> {'total': int, 'chunks': {offset: bytes}}, kept after completion.
        self._files = {}
        self._lock = threading.Lock()

    def clear(self):
        with self._lock:
            self._files.clear()

    def handle(self, request):
        """POST /mgmt/shared/file-transfer/uploads/<name> with one chunk of the file."""
        name = request.path[len(UPLOADS_PATH):]
        if request.method != 'POST' or not name or '/' in name:
            return http.Response(404, errors.unregistered_path(request.path))
        match = _RANGE.match(request.headers.get('content-range', ''))
        if match is None:
            return self._bad(request, 'Content-Range header is missing or malformed.')
        start, end, total = (int(g) for g in match.groups())
        data = request.body
        # Content-Range is inclusive: bytes 0-99/100 carries 100 bytes.
        if end < start or end >= total or len(data) != end - start + 1:
            return self._bad(request, 'Content-Range %s does not match the %d bytes sent.'
                             % (match.group(0).strip(), len(data)))
        with self._lock:
            upload = self._files.get(name) if start else None
            if upload is None:
                if start:
                    return self._bad(request, 'Chunk at offset %d of %s has no predecessor.'
                                     % (start, name))
                upload = self._files[name] = {'total': total, 'chunks': {}}
            refusal = _misfit(upload, start, data, total, name)
            if refusal:
                return self._bad(request, refusal)
            upload['chunks'][start] = data
            received = sum(len(c) for c in upload['chunks'].values())
            if received == total:
                whole = b''.join(c for _, c in sorted(upload['chunks'].items()))
        if received == total:
            self.backend.store_upload(name, whole)
        return http.Response(200, {
            'remainingByteCount': total - received,
            'usedChunks': {str(start): len(data)},
            'totalByteCount': total,
            'localFilePath': DOWNLOADS_DIR + name,
            'temporaryFilePath': DOWNLOADS_DIR + 'tmp/' + name,
            'generation': 0,
            'lastUpdateMicros': int(time.time() * 1e6)})

    @staticmethod
    def _bad(request, message):
        return http.Response(400, errors.rest_error(400, message, request.client))


def _misfit(upload, start, data, total, name):
    """Why a chunk does not fit the chunks received so far, or None.

    It fits at the end of them (the next chunk) or exactly over one of them (sent again).
    """
    if total != upload['total']:
        return 'Chunk of %s gives %d bytes in all, earlier chunks %d.' % (
            name, total, upload['total'])
    chunks = upload['chunks']
    if start in chunks:
        if len(chunks[start]) != len(data):
            return 'Chunk at offset %d of %s overlaps the chunk received there.' % (start, name)
        return None
    if start != sum(len(c) for c in chunks.values()):
        return 'Chunk at offset %d of %s is out of order.' % (start, name)
    return None
