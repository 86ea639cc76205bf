# SPDX-License-Identifier: Apache-2.0
"""The simulator as a server: N devices of one group on N ports, and its console script."""

import argparse
import shutil
import signal
import sys
import tempfile
import threading

from octavia_f5.simulator import auth
from octavia_f5.simulator import cluster as cluster_mod
from octavia_f5.simulator import device as device_mod
from octavia_f5.simulator import tls


class Simulator:
    """Devices bigip1..N of one sync-failover group, device i on port+i-1 (or free ports).

    ``start`` binds the ports (and makes the TLS certificate for https), ``stop`` closes
    them and removes the certificate directory if the simulator made it.
    """

    def __init__(self, devices=1, host='127.0.0.1', port=0, https=False, latency_ms=0,
                 username='admin', password='admin',
                 device_group=cluster_mod.DEFAULT_GROUP, version=device_mod.DEFAULT_VERSION,
                 cert_dir=None, backend_factory=None):
        if devices < 1:
            raise ValueError('A simulator needs at least one device.')
        self.host = host
        self.port = port
        self.https = https
        self.username = username
        self.password = password
        self.cluster = cluster_mod.Cluster(device_group)
        self.auth_settings = auth.AuthSettings(username, password)
        self.devices = [
            device_mod.Device('bigip%d' % (i + 1), self.cluster, self.auth_settings,
                              backend_factory=backend_factory, version=version,
                              latency_ms=latency_ms, management_ip=host)
            for i in range(devices)]
        self.cert_dir = cert_dir
        self._own_cert_dir = False
        self.ca_file = None

    @property
    def urls(self):
        return [d.url for d in self.devices]

    @property
    def device_group(self):
        return self.cluster.group_name

    def start(self):
        context = None
        if self.https:
            if self.cert_dir is None:
                self.cert_dir = tempfile.mkdtemp(prefix='bigip-sim-')
                self._own_cert_dir = True
            self.ca_file = tls.make_certificates(self.cert_dir, _cert_hosts(self.host))
            context = tls.server_context(self.cert_dir)
        try:
            for i, device in enumerate(self.devices):
                device.serve(self.host, self.port + i if self.port else 0, context)
        except OSError:
            self.stop()
            raise
        return self

    def stop(self):
        for device in self.devices:
            device.stop()
        if self._own_cert_dir:
            shutil.rmtree(self.cert_dir, ignore_errors=True)
            self._own_cert_dir = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _cert_hosts(host):
    hosts = ['localhost', '127.0.0.1', '::1']
    if host not in hosts and host not in ('0.0.0.0', '::'):
        hosts.insert(0, host)
    return hosts


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='octavia-f5-bigip-simulator',
        description='An in-memory BIG-IP speaking iControl REST, for tests and demos. '
                    'Device i of N listens on PORT+i-1; /sim/ on every port is the '
                    'control API (see docs/simulator.md).')
    parser.add_argument('--listen', default='127.0.0.1:8443', metavar='HOST:PORT',
                        help='address of the first device (port 0: free ports); '
                             'default %(default)s')
    parser.add_argument('--devices', type=int, default=1, metavar='N',
                        help='devices in the sync-failover group (default 1: standalone)')
    parser.add_argument('--latency-ms', type=int, default=0, metavar='MS',
                        help='added latency per request, in milliseconds')
    parser.add_argument('--https', action='store_true',
                        help='serve HTTPS with a certificate made at start')
    parser.add_argument('--cert-dir', metavar='DIR',
                        help='where to write the certificates (default: a temporary '
                             'directory removed at exit)')
    parser.add_argument('--username', default='admin')
    parser.add_argument('--password', default='admin')
    parser.add_argument('--device-group', default=cluster_mod.DEFAULT_GROUP)
    parser.add_argument('--version', default=device_mod.DEFAULT_VERSION, dest='tmos_version',
                        help='TMOS version reported (default %(default)s)')
    args = parser.parse_args(argv)
    host, sep, port = args.listen.rpartition(':')
    if not sep or not port.isdigit() or args.devices < 1:
        parser.error('--listen needs HOST:PORT and --devices at least 1')
    args.host, args.port = host.strip('[]'), int(port)
    return args


def main(argv=None):
    """Console script octavia-f5-bigip-simulator: serve until SIGTERM or SIGINT."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    simulator = Simulator(devices=args.devices, host=args.host, port=args.port,
                          https=args.https, latency_ms=args.latency_ms,
                          username=args.username, password=args.password,
                          device_group=args.device_group, version=args.tmos_version,
                          cert_dir=args.cert_dir)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        simulator.start()
    except OSError as exc:
        print('octavia-f5-bigip-simulator: cannot listen on %s: %s' % (args.listen, exc),
              file=sys.stderr)
        return 1
    try:
        for device in simulator.devices:
            print('device %s %s %s' % (device.name, device.url,
                                       simulator.cluster.failover_state(device)))
        if simulator.ca_file:
            print('ca-certificate %s' % simulator.ca_file)
        print('device-group %s' % (simulator.device_group or '(standalone)'))
        print('ready', flush=True)
        while not stopping.wait(3600):
            pass
    finally:
        simulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
