# SPDX-License-Identifier: Apache-2.0
"""Benchmark of the BIG-IP simulator: simple requests per second over one keep-alive connection.

Starts the console script in a subprocess pinned to one CPU, then times GETs of a pool and
POST+DELETE pairs of pools from this process. Prints figures; asserts nothing.

    python -m tools.bench_simulator [--requests N] [--https] [--cpu N]
"""

import argparse
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import time

TOKEN_HEADER = 'X-F5-Auth-Token'


def start_server(args):
    command = [sys.executable, '-m', 'octavia_f5.simulator.server', '--listen',
               '127.0.0.1:0'] + (['--https'] if args.https else [])

    def pin():
        if args.cpu is not None:
            os.sched_setaffinity(0, {args.cpu})
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, preexec_fn=pin)
    url = ca_file = None
    for line in process.stdout:
        words = line.split()
        if words[0] == 'device' and url is None:
            url = words[2]
        elif words[0] == 'ca-certificate':
            ca_file = words[1]
        elif words[0] == 'ready':
            return process, url, ca_file
    raise RuntimeError('the simulator exited before it was ready')


def connect(url, ca_file):
    scheme, _, hostport = url.partition('://')
    host, _, port = hostport.rpartition(':')
    if scheme == 'https':
        context = ssl.create_default_context(cafile=ca_file)
        return http.client.HTTPSConnection(host, int(port), context=context)
    return http.client.HTTPConnection(host, int(port))


def call(conn, method, path, body=None, token=None):
    headers = {'Content-Type': 'application/json'}
    if token:
        headers[TOKEN_HEADER] = token
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def cpu_seconds(pid):
    """CPU time (user + system) a process has used so far; None where /proc is missing."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def timed(label, count, action, server_pid, requests_per_action=1):
    """Run ``action`` count times; print wall-clock and server-CPU requests per second.

    The second figure is what one core of the server can do, whatever else the machine
    is running; the first also counts the client and the machine's other load.
    """
    cpu_before = cpu_seconds(server_pid)
    start = time.perf_counter()
    for i in range(count):
        action(i)
    elapsed = time.perf_counter() - start
    cpu_after = cpu_seconds(server_pid)
    total = count * requests_per_action
    rate = total / elapsed
    line = '%-24s %6d requests in %6.2f s = %7.0f req/s' % (label, total, elapsed, rate)
    if cpu_before is not None and cpu_after > cpu_before:
        line += ', %7.0f req per server CPU second' % (total / (cpu_after - cpu_before))
    print(line)


def run(args):
    process, url, ca_file = start_server(args)
    try:
        conn = connect(url, ca_file)
        status, data = call(conn, 'POST', '/mgmt/shared/authn/login',
                            {'username': 'admin', 'password': 'admin',
                             'loginProviderName': 'tmos'})
        token = json.loads(data)['token']['token']
        status, _ = call(conn, 'POST', '/mgmt/tm/ltm/pool', {'name': 'bench'}, token)
        if status != 200:
            raise RuntimeError('creating the benchmark pool answered %d' % status)
        print('simulator %s, server pinned to cpu %s' % (url, args.cpu))

        def get_pool(i):
            call(conn, 'GET', '/mgmt/tm/ltm/pool/~Common~bench', token=token)

        def post_delete(i):
            call(conn, 'POST', '/mgmt/tm/ltm/pool', {'name': 'p%d' % i}, token)
            call(conn, 'DELETE', '/mgmt/tm/ltm/pool/~Common~p%d' % i, token=token)

        timed('GET pool', args.requests, get_pool, process.pid)
        timed('POST+DELETE pool pairs', args.requests // 2, post_delete, process.pid, 2)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--requests', type=int, default=5000)
    parser.add_argument('--https', action='store_true')
    parser.add_argument('--cpu', type=int, default=0,
                        help='CPU the simulator is pinned to (-1: not pinned)')
    args = parser.parse_args(argv)
    if args.cpu < 0:
        args.cpu = None
    elif hasattr(os, 'sched_getaffinity') and len(os.sched_getaffinity(0)) > 1:
        # Keep the client off the server's CPU so that the server's figure is its own.
        os.sched_setaffinity(0, os.sched_getaffinity(0) - {args.cpu})
    run(args)


if __name__ == '__main__':
    main()
