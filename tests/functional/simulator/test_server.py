# SPDX-License-Identifier: Apache-2.0
"""The Simulator on fixed ports: device i on PORT+i-1, and a port already in use."""

import socket

from octavia_f5.simulator import server
from tests import base


def free_port_run(count):
    """A first port of ``count`` consecutive free ports (probed, so very likely free)."""
    for _ in range(20):
        probe = socket.socket()
        probe.bind(('127.0.0.1', 0))
        first = probe.getsockname()[1]
        probe.close()
        sockets = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(('127.0.0.1', port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError('no run of %d free ports found' % count)


class TestFixedPorts(base.TestCase):

    def test_device_i_listens_on_port_plus_i(self):
        first = free_port_run(3)
        simulator = server.Simulator(devices=3, port=first).start()
        self.addCleanup(simulator.stop)
        self.assertEqual(['http://127.0.0.1:%d' % p for p in range(first, first + 3)],
                         simulator.urls)

    def test_port_in_use_fails_start_and_frees_the_other_ports(self):
        first = free_port_run(2)
        blocker = socket.socket()
        self.addCleanup(blocker.close)
        blocker.bind(('127.0.0.1', first + 1))
        blocker.listen(1)
        simulator = server.Simulator(devices=2, port=first)
        self.assertRaises(OSError, simulator.start)
        again = socket.socket()
        self.addCleanup(again.close)
        again.bind(('127.0.0.1', first))  # the first device let go of its port
