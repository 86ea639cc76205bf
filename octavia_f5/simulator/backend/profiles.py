# SPDX-License-Identifier: Apache-2.0
"""LTM profiles (http, http2, tcp, udp, fastl4, one-connect, sctp) and persistence profiles.

One table row per type: defaults of a fresh profile (reference 3.13, 3.14), the further
properties BIG-IP accepts, enumerations and built-in /Common profiles. SSL profiles, which
also check certificates, live in ssl.py.
"""

from octavia_f5.simulator.backend import model

PROFILE = 'ltm/profile/'
PERSIST = 'ltm/persistence/'
SSL_TYPES = ('client-ssl', 'server-ssl')
TYPES = ('http', 'http2', 'tcp', 'udp', 'fastl4', 'one-connect', 'sctp') + SSL_TYPES
PROFILES = tuple(PROFILE + t for t in TYPES)
PERSISTENCE = tuple(PERSIST + t for t in ('source-addr', 'cookie', 'universal'))
SIDE = {PROFILE + 'client-ssl': 'clientside', PROFILE + 'server-ssl': 'serverside'}
ED = model.ENABLED
COMMON_FIELDS = ('description', 'appService')

_ENFORCEMENT = {'allowWsHeaderName': 'disallow', 'excessClientHeaders': 'reject',
                'excessServerHeaders': 'reject', 'maxHeaderCount': 64, 'maxHeaderSize': 32768,
                'maxRequests': 0, 'oversizeClientHeaders': 'reject',
                'oversizeServerHeaders': 'reject', 'pipeline': 'allow',
                'truncatedRedirects': 'disabled', 'unknownMethod': 'allow'}

# type: (label, base built-in, defaults, further fields, ints, enums, built-ins)
TABLE = {
    'http': ('HTTP Profile', 'http', {
        'acceptXff': 'disabled', 'basicAuthRealm': 'none', 'enforcement': _ENFORCEMENT,
        'headerErase': 'none', 'headerInsert': 'none',
        'hsts': {'includeSubdomains': 'enabled', 'maximumAge': 16070400, 'mode': 'disabled',
                 'preload': 'disabled'},
        'insertXforwardedFor': 'disabled', 'lwsSeparator': 'none', 'lwsWidth': 80,
        'oneconnectStatusReuse': '200 206', 'oneconnectTransformations': 'enabled',
        'proxyType': 'reverse', 'redirectRewrite': 'none', 'requestChunking': 'sustain',
        'responseChunking': 'sustain', 'serverAgentName': 'BigIP', 'viaHostName': 'none',
        'viaRequest': 'preserve', 'viaResponse': 'preserve'},
        ('encryptCookies', 'encryptCookieSecret', 'explicitProxy', 'fallbackHost',
         'fallbackStatusCodes', 'responseHeadersPermitted', 'xffAlternativeNames', 'sflow',
         'serverHeaderValue', 'truncatedRedirects'),
        ('lwsWidth',),
        {'insertXforwardedFor': ED, 'acceptXff': ED, 'oneconnectTransformations': ED,
         'proxyType': frozenset(('reverse', 'explicit', 'transparent')),
         'requestChunking': frozenset(('preserve', 'selective', 'rechunk', 'sustain')),
         'responseChunking': frozenset(('preserve', 'selective', 'rechunk', 'sustain')),
         'redirectRewrite': frozenset(('none', 'all', 'matching', 'nodes'))},
        ('http',)),
    'http2': ('HTTP2 Profile', 'http2', {
        'activationModes': ['alpn'], 'concurrentStreamsPerConnection': 10,
        'connectionIdleTimeout': 300, 'enforceTlsRequirements': 'enabled', 'frameSize': 2048,
        'headerTableSize': 4096, 'includeContentLength': 'disabled', 'insertHeader': 'disabled',
        'insertHeaderName': 'X-HTTP2', 'receiveWindow': 32, 'writeSize': 16384},
        (), ('concurrentStreamsPerConnection', 'connectionIdleTimeout', 'frameSize',
             'headerTableSize', 'receiveWindow', 'writeSize'),
        {'enforceTlsRequirements': ED, 'includeContentLength': ED, 'insertHeader': ED},
        ('http2',)),
    'tcp': ('TCP Profile', 'tcp', {
        'abc': 'enabled', 'ackOnPush': 'enabled', 'closeWaitTimeout': 5,
        'congestionControl': 'high-speed', 'deferredAccept': 'disabled',
        'delayedAcks': 'enabled', 'finWait_2Timeout': 300, 'finWaitTimeout': 5,
        'idleTimeout': 300, 'initCwnd': 10, 'keepAliveInterval': 1800, 'maxRetrans': 8,
        'nagle': 'enabled', 'proxyBufferHigh': 49152, 'proxyBufferLow': 32768,
        'receiveWindowSize': 65535, 'resetOnTimeout': 'enabled', 'sendBufferSize': 65535,
        'synMaxRetrans': 3, 'timeWaitTimeout': '2000', 'zeroWindowTimeout': 20000},
        ('autoProxyBufferSize', 'autoReceiveWindowSize', 'autoSendBufferSize', 'cmetricsCache',
         'dsack', 'earlyRetransmit', 'ecn', 'fastOpen', 'hardwareSynCookie', 'limitedTransmit',
         'linkQosToClient', 'ipTosToClient', 'maxSegmentSize', 'md5Signature', 'minimumRto',
         'mptcp', 'proxyMss', 'proxyOptions', 'pushFlag', 'ratePace', 'selectiveAcks',
         'slowStart', 'synCookieEnable', 'synRtoBase', 'tailLossProbe', 'timestamps',
         'verifiedAccept', 'ipDfMode', 'ipTtlMode', 'ipTtlV4', 'ipTtlV6'),
        ('closeWaitTimeout', 'finWait_2Timeout', 'finWaitTimeout', 'idleTimeout', 'initCwnd',
         'keepAliveInterval', 'maxRetrans', 'proxyBufferHigh', 'proxyBufferLow',
         'receiveWindowSize', 'sendBufferSize', 'synMaxRetrans', 'zeroWindowTimeout',
         'maxSegmentSize', 'minimumRto', 'synRtoBase'),
        {'nagle': frozenset(('enabled', 'disabled', 'auto')), 'delayedAcks': ED, 'abc': ED,
         'ackOnPush': ED, 'deferredAccept': ED, 'resetOnTimeout': ED},
        ('tcp', 'tcp-lan-optimized', 'tcp-wan-optimized', 'f5-tcp-progressive',
         'tcp-mobile-optimized')),
    'udp': ('UDP Profile', 'udp', {
        'allowNoPayload': 'disabled', 'bufferMaxBytes': 655350, 'bufferMaxPackets': 0,
        'datagramLoadBalancing': 'disabled', 'idleTimeout': '60', 'ipDfMode': 'pmtu',
        'ipTosToClient': '0', 'ipTtlMode': 'proxy', 'linkQosToClient': '0',
        'noChecksum': 'disabled', 'proxyMss': 'disabled', 'sendBufferSize': 655350},
        ('ipTtlV4', 'ipTtlV6'), ('bufferMaxBytes', 'bufferMaxPackets', 'sendBufferSize'),
        {'datagramLoadBalancing': ED, 'allowNoPayload': ED, 'noChecksum': ED}, ('udp',)),
    'fastl4': ('FastL4 Profile', 'fastL4', {
        'clientTimeout': 30, 'hardwareSynCookie': 'enabled', 'idleTimeout': '300',
        'ipTosToClient': 'pass-through', 'ipTosToServer': 'pass-through',
        'keepAliveInterval': 'disabled', 'linkQosToClient': 'pass-through',
        'linkQosToServer': 'pass-through', 'looseClose': 'disabled',
        'looseInitialization': 'disabled', 'mssOverride': 0, 'pvaAcceleration': 'full',
        'resetOnTimeout': 'enabled', 'tcpCloseTimeout': '5', 'tcpHandshakeTimeout': '5',
        'tcpStripSack': 'disabled', 'tcpTimestampMode': 'preserve',
        'tcpWscaleMode': 'preserve'},
        ('explicitFlowMigration', 'lateBinding', 'softwareSynCookie', 'reassembleFragments',
         'receiveWindowSize', 'rttFromClient', 'rttFromServer', 'serverSack', 'serverTimestamp',
         'synCookieEnable', 'tcpGenerateIsn', 'tcpTimeWaitTimeout', 'ipDfMode', 'ipTtlMode',
         'ipTtlV4', 'ipTtlV6', 'pvaFlowAging', 'pvaFlowEvict', 'pvaOffloadDynamic'),
        ('clientTimeout', 'mssOverride'),
        {'looseClose': ED, 'looseInitialization': ED, 'resetOnTimeout': ED,
         'pvaAcceleration': frozenset(('full', 'partial', 'none', 'guaranteed'))},
        ('fastL4',)),
    'one-connect': ('OneConnect Profile', 'oneconnect', {
        'idleTimeoutOverride': 'disabled', 'limitType': 'none', 'maxAge': 86400,
        'maxReuse': 1000, 'maxSize': 10000, 'sharePools': 'disabled', 'sourceMask': 'any'},
        (), ('maxAge', 'maxReuse', 'maxSize'),
        {'limitType': frozenset(('none', 'idle', 'strict')), 'sharePools': ED},
        ('oneconnect',)),
    'sctp': ('SCTP Profile', 'sctp', {
        'clientSideMultihoming': 'disabled', 'cookieExpiration': 60, 'heartbeatInterval': 30,
        'idleTimeout': 300, 'inStreams': 2, 'outStreams': 2, 'receiveWindowSize': 65535,
        'sendBufferSize': 65536},
        ('proxyBufferHigh', 'proxyBufferLow', 'resetOnTimeout', 'tcpShutdown'),
        ('cookieExpiration', 'heartbeatInterval', 'idleTimeout', 'inStreams', 'outStreams',
         'receiveWindowSize', 'sendBufferSize'),
        {'clientSideMultihoming': ED}, ('sctp',)),
}

_MATCH = {'matchAcrossPools': 'disabled', 'matchAcrossServices': 'disabled',
          'matchAcrossVirtuals': 'disabled', 'mirror': 'disabled',
          'overrideConnectionLimit': 'disabled', 'timeout': '180'}
PERSIST_TABLE = {
    'source-addr': ('source_addr', {'hashAlgorithm': 'default', 'mapProxies': 'enabled',
                                    'mask': 'none'},
                    ('mapProxyAddress', 'mapProxyClass'),
                    {'hashAlgorithm': frozenset(('default', 'carp')), 'mapProxies': ED}),
    'cookie': ('cookie', {'alwaysSend': 'disabled', 'cookieEncryption': 'disabled',
                          'cookieName': 'none', 'expiration': '0', 'hashLength': 0,
                          'hashOffset': 0, 'httponly': 'enabled', 'method': 'insert',
                          'secure': 'enabled'},
               ('encryptionPassphrase', 'cookieEncryptionPassphrase'),
               {'method': frozenset(('insert', 'rewrite', 'passive', 'hash')),
                'httponly': ED, 'secure': ED, 'alwaysSend': ED}),
    'universal': ('universal', {}, (), {}),
}


class Profile(model.Model):
    """One profile type, built from its TABLE row."""

    noun = 'profile'
    plural = 'profiles'

    def __init__(self, ptype, label, base, defaults, fields, ints, enums, builtins):
        self.path = PROFILE + ptype
        self.kind = 'tm:ltm:profile:%s:%sstate' % (ptype, ptype)
        self.label = label
        self.defaults = dict(defaults, defaultsFrom='/Common/' + base)
        self.fields = frozenset(fields + COMMON_FIELDS)
        self.ints = frozenset(ints)
        self.strs = frozenset(k for k, v in defaults.items()
                              if isinstance(v, str) and v.isdigit())
        self.enums = enums
        self.refs = {'defaultsFrom': model.Ref(self.path)}
        # A child built-in (tcp-wan-optimized) derives from the type's base (tcp).
        self.builtins = tuple((name, {'defaultsFrom': None if name == base else
                                      '/Common/' + base}) for name in builtins)
        super().__init__()

    def after_write(self, cfg, obj, old):
        if old is not None:
            self.revalidate_virtuals(cfg, obj['fullPath'])


class Persistence(model.Model):
    """One persistence profile type; the universal type runs an iRule."""

    noun = 'persistence profile'
    plural = 'persistence profiles'

    def __init__(self, ptype, base, defaults, fields, enums):
        self.path = PERSIST + ptype
        self.kind = 'tm:ltm:persistence:%s:%sstate' % (ptype, ptype)
        self.label = 'Persistence Profile'
        self.defaults = dict(_MATCH, defaultsFrom='/Common/' + base, **defaults)
        self.fields = frozenset(fields + COMMON_FIELDS)
        self.strs = frozenset(('timeout', 'expiration'))
        self.ints = frozenset(('hashLength', 'hashOffset'))
        self.enums = dict(enums, matchAcrossPools=ED, matchAcrossServices=ED,
                          matchAcrossVirtuals=ED, mirror=ED, overrideConnectionLimit=ED)
        self.refs = {'defaultsFrom': model.Ref(self.path)}
        if ptype == 'universal':
            self.defaults['rule'] = 'none'
            self.refs['rule'] = model.Ref('ltm/rule', keep_none=True)
        self.secrets = frozenset(('encryptionPassphrase', 'cookieEncryptionPassphrase'))
        self.builtins = ((base, {'defaultsFrom': None}),)
        super().__init__()


MODELS = tuple(Profile(ptype, *row) for ptype, row in TABLE.items()) + tuple(
    Persistence(ptype, *row) for ptype, row in PERSIST_TABLE.items())
