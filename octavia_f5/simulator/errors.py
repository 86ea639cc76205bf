# SPDX-License-Identifier: Apache-2.0
"""Error bodies in the two shapes a BIG-IP answers with: mcpd (tm) and restjavad."""

import itertools

# apiError values seen on devices (reference section 0.1).
API_ERROR_PARSE = 1
API_ERROR_MCPD = 3
API_ERROR_FRAMEWORK = 26214401
API_ERROR_MCPD_LOST = 32768001

INVALID_JSON = 'Found invalid JSON body in the request.'
AUTH_FAILED = 'Authentication failed.'
TOKEN_UNKNOWN = 'X-F5-Auth-Token does not exist.'
TOKEN_LIMIT = 'user %s has reached maximum active login tokens'
TOKEN_TIMEOUT_EXCEEDED = 'Auth-token absolute timeout (36000 seconds) exceeded'
# restjavad names the URI as it sees it behind httpd: without /mgmt, on its own port 8100.
NO_AUTH = ('Authorization failed: no user authentication header or token detected. '
           'Uri:http://localhost:8100%s Referrer:%s Sender:%s')
NOT_REGISTERED = 'Public URI path not registered: %s'
MCPD_LOST = 'The connection to mcpd has been lost, try again.'
NOT_FOUND = '01020036:3: The requested %s (%s) was not found.'
GROUP_NOT_FOUND = ('01070734:3: Configuration error: Device group (%s) not found in device '
                   'group sync')

# restjavad numbers every operation; clients only ever log the number.
_operation_ids = itertools.count(7945916)


def tm_error(code, message, api_error=API_ERROR_MCPD):
    """An mcpd/iControl error body: all four keys, as current TMOS versions send them."""
    return {'code': code, 'message': message, 'errorStack': [], 'apiError': api_error}


def rest_error(code, message, referer='127.0.0.1'):
    """A restjavad (REST framework) error body, kind ":resterrorresponse"."""
    return {'code': code, 'message': message, 'referer': referer,
            'restOperationId': next(_operation_ids), 'kind': ':resterrorresponse'}


def unregistered_path(path):
    """The restjavad 404 for a URI no worker serves (path shown without /mgmt)."""
    if path.startswith('/mgmt/'):
        path = path[len('/mgmt'):]
    return rest_error(404, NOT_REGISTERED % path)
