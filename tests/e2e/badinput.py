# SPDX-License-Identifier: Apache-2.0
"""The bad-input corpus, part one: names and descriptions, L7 values, regexes, redirect URLs.

A case is one request against the fixture of test_bad_input (a load balancer with an HTTP
listener, a pool with a member and an HTTP monitor, two REDIRECT_TO_URL policies: ``policy``
with one PATH rule, ``redirect`` with one HOST_NAME rule) and the outcome it must have:

* ``Refused(status, words)``: answered ``status`` (Octavia's 400/409, or 501 with the f5
  driver's message) naming ``words``; the device and Octavia's statuses unchanged;
* ``Stored(check, value)``: accepted, everything ACTIVE, the device equal to Octavia and all
  its text inert; ``check`` 'irule' (``value`` stands whole in a literal of the listener's L7
  iRule, nothing substituted), 'host' (the same, case-folded) or 'policy' (``value`` is a
  value of the listener's LTM policy);
* ``Late(reason)``: accepted by the API, whose call does not carry what the refusal needs
  (``reason``), then refused by the worker: the object ERROR, the device unchanged, the load
  balancer ACTIVE. Counted apart.

Observed answers are pinned: a change in Octavia or the driver shows as a failing case.
"""

import collections

Case = collections.namedtuple('Case', 'label method path body outcome')
Refused = collections.namedtuple('Refused', 'status words')
Stored = collections.namedtuple('Stored', 'check value')
Late = collections.namedtuple('Late', 'reason')
Ref = collections.namedtuple('Ref', 'name')

F5 = 'F5 provider'
STORED = Stored(None, None)
# PUT path and body key of each fixture object.
OBJECTS = {'lb': ('loadbalancers/{lb}', 'loadbalancer'),
           'listener': ('listeners/{listener}', 'listener'),
           'pool': ('pools/{pool}', 'pool'),
           'member': ('pools/{pool}/members/{member}', 'member'),
           'hm': ('healthmonitors/{hm}', 'healthmonitor'),
           'policy': ('l7policies/{policy}', 'l7policy'),
           'redirect': ('l7policies/{redirect}', 'l7policy'),
           'rule': ('l7policies/{policy}/rules/{rule}', 'rule'),
           # a TERMINATED_HTTPS listener the certificate cases add
           'tls': ('listeners/{tls}', 'listener')}
# POST path and body key of new children, with the fields naming their parent.
CHILDREN = {'listener': ('listeners', 'listener', {'loadbalancer_id': Ref('lb')}),
            'member': ('pools/{pool}/members', 'member', {}),
            'loadbalancer': ('loadbalancers', 'loadbalancer',
                             {'vip_subnet_id': Ref('subnet'), 'provider': 'f5',
                              'project_id': Ref('project')})}


def refused(status, *words):
    return Refused(status, words)


def put(target, label, outcome, **fields):
    path, key = OBJECTS[target]
    return Case('PUT %s: %s' % (target, label), 'PUT', path, {key: fields}, outcome)


def post(kind, label, outcome, **fields):
    path, key, parent = CHILDREN[kind]
    return Case('POST %s: %s' % (kind, label), 'POST', path, {key: dict(parent, **fields)},
                outcome)


# --- names and descriptions -----------------------------------------------------------------

TEXTS = (
    ('quotes', '"double" \'single\' `back`'),
    ('newlines', 'line1\nline2\r\nline3'),
    ('TCL command', '[exec rm -rf /]'),
    ('TCL variables', '$x ${y} $env(HOME) $::tcl_platform'),
    ('braces', '}{ unbalanced { ] ['),
    ('backslashes', 'back\\slash\\ \\"\\'),
    ('HTML', '<script>alert(1)</script><img src=x>'),
    ('unicode', 'Zürich \u2013 \u6771\u4eac \u20ac \u2713'),
    ('bidi override', '\u202eexe.txt'),
    ('NUL and controls', 'a\x00b\x1b[31mc\x7f\td'),
    ('format strings', '%s%n%x %(x)s {0}'),
    ('SQL', "' OR 1=1; DROP TABLE load_balancer; --"),
    ('255 quotes', '"' * 255),
)
NAMED = ('lb', 'listener', 'pool', 'policy', 'member', 'hm')
DESCRIBED = ('lb', 'listener', 'pool', 'policy')
EMOJI = 'web \U0001F600'


def _names():
    cases = []
    for index, (label, text) in enumerate(TEXTS):
        target = NAMED[index % len(NAMED)]
        fields = {'name': text}
        if target in DESCRIBED:
            fields['description'] = text
        cases.append(put(target, label, STORED, **fields))
    for target in NAMED:
        cases.append(put(target, 'emoji in the name',
                         refused(501, F5, 'name', 'Basic Multilingual'), name=EMOJI))
    for target in DESCRIBED:
        cases.append(put(target, 'emoji in the description',
                         refused(501, F5, 'description'), description=EMOJI))
    cases += [
        put('lb', '256 characters', refused(400, 'name'), name='x' * 256),
        put('pool', '256 characters of description', refused(400, 'description'),
            description='"' * 256),
        put('hm', '256 characters', refused(400, 'name'), name='[' * 256),
        # Octavia inserts a new object before calling the provider; it reports the failed
        # insert as a bad protocol.
        post('listener', 'emoji in the name (Octavia: misleading message, no driver call)',
             refused(400, 'TCP is not a valid option for protocol'), protocol='TCP',
             protocol_port=9000, name=EMOJI),
    ]
    return cases


NAMES = _names()

# --- L7 rule values and keys ---------------------------------------------------------------


def rule(label, outcome, kind, compare, value, key=None, invert=False):
    # key and invert are always sent: an update keeps what an earlier case set.
    return put('rule', label, outcome, type=kind, compare_type=compare, value=value, key=key,
               invert=invert)


def _irule(value):
    return Stored('irule', value)


L7_VALUES = [
    rule('quote in a path', _irule('/a"b'), 'PATH', 'EQUAL_TO', '/a"b'),
    rule('TCL variable', _irule('$x'), 'PATH', 'EQUAL_TO', '$x'),
    rule('braced variable', _irule('/${x}'), 'PATH', 'STARTS_WITH', '/${x}'),
    rule('trailing backslash', _irule('a\\'), 'PATH', 'EQUAL_TO', 'a\\'),
    rule('close brace', _irule('}'), 'PATH', 'CONTAINS', '}'),
    rule('close bracket in a header value', _irule('v]'), 'HEADER', 'EQUAL_TO', 'v]',
         'X-A'),
    rule('quote and semicolon in a header value', _irule('v";'), 'HEADER', 'EQUAL_TO',
         'v";', 'X-A'),
    rule('header name of every token character', _irule("X-B!#$%&'*+.^_`|~"), 'HEADER',
         'CONTAINS', 'v', "X-B!#$%&'*+.^_`|~"),
    rule('dollar in a cookie value', _irule('a$b'), 'COOKIE', 'EQUAL_TO', 'a$b', 'c'),
    rule('quote in a host name', Stored('host', 'ex"ample.com'), 'HOST_NAME', 'EQUAL_TO',
         'EX"ample.com'),
    rule('quote in a file type', _irule('jp"g'), 'FILE_TYPE', 'EQUAL_TO', 'jp"g'),
    rule('inverted, bracket and backslash', _irule('\\]\\['), 'PATH', 'ENDS_WITH', '\\]\\[',
         invert=True),
    rule('policy-safe punctuation', Stored('policy', '/api;v=1&x=(a)*'), 'PATH',
         'STARTS_WITH', '/api;v=1&x=(a)*'),
    rule('percent-encoded CRLF', Stored('policy', '/%0d%0aSet-Cookie:x'), 'PATH',
         'CONTAINS', '/%0d%0aSet-Cookie:x'),
    rule('TCL command with spaces', refused(400, 'Invalid characters'), 'PATH', 'EQUAL_TO',
         '[exec rm -rf /]'),
    rule('CR LF', refused(400, 'value'), 'PATH', 'EQUAL_TO', 'a\r\nb'),
    rule('non-ASCII', refused(400, 'Invalid characters'), 'PATH', 'EQUAL_TO', '/\u00fc'),
    rule('NUL', refused(400, 'Invalid characters'), 'PATH', 'EQUAL_TO', 'a\x00'),
    rule('256 characters', refused(400, 'value'), 'PATH', 'EQUAL_TO', '/' + 'x' * 255),
    rule('empty value', refused(400, 'requires a value'), 'PATH', 'EQUAL_TO', ''),
    rule('quote in a header name', refused(400, 'key'), 'HEADER', 'EQUAL_TO', 'v', 'X "a'),
    rule('brackets in a header name', refused(400, 'key'), 'HEADER', 'EQUAL_TO', 'v', 'X[a]'),
    rule('colon in a header name', refused(400, 'key'), 'HEADER', 'EQUAL_TO', 'v', 'X:a'),
    rule('empty header name', refused(400, 'requires a key'), 'HEADER', 'EQUAL_TO', 'v', ''),
    rule('space in a cookie name', refused(400, 'key'), 'COOKIE', 'EQUAL_TO', 'v', 'c d'),
    rule('quote in a DN field', refused(400, 'distinguished name'), 'SSL_DN_FIELD',
         'EQUAL_TO', 'x', 'C"N'),
    # Last: the rule stays in ERROR.
    rule('SSL rule on an HTTP listener', Late('octavia-lib gives l7rule_update no listener'),
         'SSL_DN_FIELD', 'EQUAL_TO', 'x', 'CN'),
]

# --- regular expressions (PATH REGEX unless said) ------------------------------------------


def regex(label, outcome, value, kind='PATH'):
    return rule('regex, ' + label, outcome, kind, 'REGEX', value)


def _tcl(named):
    return refused(501, F5, 'value', 'TCL', named)


REGEXES = [
    regex('unbalanced group', refused(400, 'regular expression'), '('),
    regex('unterminated class', refused(400, 'regular expression'), '[a-'),
    regex('nothing to repeat', refused(400, 'regular expression'), '*a'),
    regex('inverted count', refused(400, 'regular expression'), 'a{2,1}'),
    regex('lone backslash', refused(400, 'regular expression'), '\\'),
    regex('reference to no group', refused(400, 'regular expression'), '(?(1)a|b)'),
    regex('lookbehind', _tcl('(?<...)'), '(?<=/a)b'),
    regex('negative lookbehind', _tcl('(?<...)'), '(?<!/a)b'),
    regex('named group', _tcl('(?P...)'), '(?P<id>[0-9]+)'),
    regex('atomic group', _tcl('(?>...)'), '(?>a+)b'),
    regex('possessive quantifier', _tcl('possessive'), '/a*+b'),
    regex('embedded option', _tcl('(?i...)'), '(?i)/admin'),
    regex('embedded option on a host name', _tcl('(?i...)'), '(?i)example', 'HOST_NAME'),
    regex('256 repetitions', _tcl('at most 255'), '/.{256}'),
    regex('{,n} (a count only in Python)', _tcl('repetition count'), '/a{,3}'),
    regex(r'\b (a backspace in TCL)', _tcl('backspace'), r'\bwww\b'),
    regex('POSIX class', _tcl('[:'), '[[:alpha:]]+'),
    regex('backreference', _tcl('backreferences'), r'/(a)\1'),
    regex('repeated lookahead', _tcl('lookahead'), '(?=/a)*/'),
    regex(r'\x with three hex digits', _tcl(r'\x'), r'/\x41BC'),
    regex('TCL specials', _irule('^/(a|b)"\\[x\\]\\$'), '^/(a|b)"\\[x\\]\\$'),
    regex('dollar class', _irule('[$]{2}'), '[$]{2}'),
    regex('host name', Stored('host', '(?i)^www\\.example\\.com$'), '^www\\.example\\.com$',
          'HOST_NAME'),
]

# --- redirect URLs (the REDIRECT_TO_URL policy) -------------------------------------------


def redirect(label, outcome, url, action='REDIRECT_TO_URL', **extra):
    field = 'redirect_prefix' if action == 'REDIRECT_PREFIX' else 'redirect_url'
    return put('redirect', label, outcome, action=action, **dict({field: url}, **extra))


REDIRECTS = [
    redirect('CR LF header injection', refused(400, 'redirect_url'),
             'http://a.example/\r\nSet-Cookie: x=1'),
    redirect('LF in a prefix', refused(400, 'redirect_prefix'), 'https://a.example/\nx',
             'REDIRECT_PREFIX'),
    redirect('javascript scheme', refused(400, 'redirect_url'), 'javascript:alert(1)'),
    redirect('quote and bracket', refused(400, 'redirect_url'), 'http://a.example/"]; drop'),
    redirect('TCL command', refused(400, 'redirect_url'), 'http://a.example/[exec x]'),
    redirect('space', refused(400, 'redirect_url'), 'http://a.example/a b'),
    redirect('unicode host', refused(400, 'redirect_url'), 'http://\u00fc.example/'),
    redirect('no host', refused(400, 'redirect_url'), 'http:///x'),
    redirect('ftp scheme', refused(400, 'redirect_url'), 'ftp://a.example/'),
    # Octavia's column holds 255 characters; it writes after the provider accepted.
    redirect('256 characters', refused(501, F5, 'redirect_url', 'at most 255'),
             'http://a.example/' + 'x' * 239),
    redirect('2100 characters', refused(501, F5, 'redirect_url', 'at most 255'),
             'http://a.example/' + 'x' * 2100),
    redirect('256 characters of prefix', refused(501, F5, 'redirect_prefix', 'at most 255'),
             'http://a.example/' + 'x' * 239, 'REDIRECT_PREFIX'),
    redirect('prefix with a query', refused(501, F5, 'redirect_prefix', 'query'),
             'http://a.example/?q=1', 'REDIRECT_PREFIX'),
    redirect('code 304', refused(400, 'redirect_http_code'), 'http://a.example/',
             redirect_http_code=304),
    redirect('TCL variable', _irule('http://a.example/$x'), 'http://a.example/$x'),
    redirect('braces', _irule('http://a.example/{x}'), 'http://a.example/{x}'),
    redirect('backslash', _irule('http://a.example/\\x'), 'http://a.example/\\x'),
    redirect('HTML', _irule('http://a.example/<script>'), 'http://a.example/<script>'),
    redirect('quote in a prefix', _irule('http://a.example/"x'), 'http://a.example/"x',
             'REDIRECT_PREFIX'),
    redirect('dollar with code 308', _irule('https://a.example/?q=$x&y=[1]'),
             'https://a.example/?q=$x&y=[1]', redirect_http_code=308),
    redirect('percent-encoded CRLF', Stored('policy', 'http://a.example/%0d%0aX:y'),
             'http://a.example/%0d%0aX:y', redirect_http_code=302),
]
