# SPDX-License-Identifier: Apache-2.0
"""Processes of the local cloud: start in their own session, record, find, stop - by pid only."""

import json
import os
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request


def _stat(pid):
    """(session id, start time) of ``pid`` from /proc, or None when it is gone or a zombie."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            data = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = data.rsplit(')', 1)[1].split()
    if fields[0] == 'Z':
        return None
    return int(fields[3]), int(fields[19])


def session_members(sid):
    """Pids of the live processes in session ``sid``.

    Every service is started as the leader of a new session, and children keep that session
    unless they call setsid() themselves; Linux never hands out a pid that is still in use as a
    session id, so these are ours even after the leader is gone.
    """
    members = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            info = _stat(int(entry))
            if info and info[0] == sid:
                members.append(int(entry))
    return members


class Registry:
    """Pid files under <cloud>/run/<name>.pid: {"pid", "start", "argv"} as JSON."""

    def __init__(self, run_dir):
        self.run_dir = run_dir

    def _file(self, name):
        return os.path.join(self.run_dir, name + '.pid')

    def read(self, name):
        try:
            with open(self._file(name)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def leader_alive(self, name):
        """Whether the recorded leader runs; the start time guards against a reused pid."""
        record = self.read(name)
        if not record:
            return False
        info = _stat(record['pid'])
        return bool(info) and info[1] == record['start']

    def members(self, name):
        """Live processes of the service's session; none when its pid now names a stranger."""
        record = self.read(name)
        if not record:
            return []
        info = _stat(record['pid'])
        if info and info[1] != record['start']:
            # Our leader and its whole session ended and the pid was reused: not ours.
            return []
        return session_members(record['pid'])

    def start(self, name, argv, log_path, env=None, cwd=None):
        """Start ``argv`` as a new session leader; its output goes to ``log_path``."""
        with open(log_path, 'ab') as log:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    env=env, cwd=cwd, close_fds=True)
        info = _stat(proc.pid)
        record = {'pid': proc.pid, 'start': info[1] if info else 0, 'argv': argv}
        with open(self._file(name), 'w') as f:
            json.dump(record, f)
        return proc

    def stop(self, name, leader_first=False, timeout=15.0):
        """Stop the service's session; returns the pids that had to be killed.

        ``leader_first``: SIGTERM only the leader and let it stop its children (the driver
        agent's handler joins them; a TERM to its children first leaves it hanging forever).
        """
        record = self.read(name)
        if not record:
            return []
        sid = record['pid']
        members = self.members(name)
        if leader_first and sid in members:
            _signal([sid], signal.SIGTERM)
        else:
            _signal(members, signal.SIGTERM)
        killed = []
        if members and not _wait_gone(sid, timeout):
            killed = session_members(sid)
            _signal(killed, signal.SIGKILL)
            _wait_gone(sid, 5.0)
        os.unlink(self._file(name))
        return killed


def _signal(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _wait_gone(sid, timeout):
    deadline = time.monotonic() + timeout
    while session_members(sid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def tcp_open(port, host='127.0.0.1'):
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def http_status(url, timeout=2.0, context=None):
    """The HTTP status code of GET ``url``, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError):
        return None


def redis_ping(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=1.0) as sock:
            sock.sendall(b'PING\r\n')
            return sock.recv(16).startswith(b'+PONG')
    except OSError:
        return False


def is_socket(path):
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False
