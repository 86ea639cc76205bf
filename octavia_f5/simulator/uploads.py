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
    """Assembles chunked uploads of one device (reference 3.15, step 1)."""

    def __init__(self, backend):
        self.backend = backend
        self._partial = {}
        self._lock = threading.Lock()

    def clear(self):
        with self._lock:
            self._partial.clear()

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
            chunks = self._partial.get(name) if start else None
            if chunks is None:
                if start:
                    return self._bad(request, 'Chunk at offset %d of %s has no predecessor.'
                                     % (start, name))
                chunks = self._partial[name] = []
            elif sum(len(c) for c in chunks) != start:
                return self._bad(request, 'Chunk at offset %d of %s is out of order.'
                                 % (start, name))
            chunks.append(data)
            received = end + 1
            if received == total:
                del self._partial[name]
        if received == total:
            self.backend.store_upload(name, b''.join(chunks))
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
