# SPDX-License-Identifier: Apache-2.0
"""Run generated TCL in a real tclsh with iRule commands stubbed, to prove what it does."""

import os
import shutil
import subprocess
import tempfile

TCLSH = shutil.which('tclsh')

# Minimal stand-ins for the iRule commands the templates use. ``when`` stores event bodies;
# the test script then runs them at global level, as BIG-IP runs events in one connection.
STUBS = r'''
proc when {event body} { set ::events($event) $body }
proc call {name args} { return [$name {*}$args] }
proc getfield {text sep n} { return [lindex [split $text $sep] [expr {$n - 1}]] }
proc fire {event} { uplevel #0 $::events($event) }
namespace eval IP {
    proc client_addr {} { return $::client_addr }
    proc local_addr {} { return $::local_addr }
    proc version {} { if {[string first ":" $::client_addr] == -1} { return 4 } { return 6 } }
}
namespace eval TCP {
    proc client_port {} { return $::client_port }
    proc local_port {} { return $::local_port }
    proc respond {data} { append ::sent $data }
}
set ::sent ""
'''


def run(script):
    """Run ``script`` after the stubs; return what it wrote to stdout (bytes).

    The script goes through a file: tclsh reading commands from stdin carries on after an
    error and exits 0, which would hide a broken template.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'script.tcl')
        with open(path, 'w') as f:
            f.write(STUBS + script)
        result = subprocess.run([TCLSH, path], capture_output=True, timeout=20, check=False)
    if result.returncode:
        raise AssertionError('tclsh failed: %s' % result.stderr.decode('ascii', 'replace'))
    return result.stdout
