# SPDX-License-Identifier: Apache-2.0
"""Tests of the option definitions and of the checked-in sample configuration."""

import os
import tempfile

from oslo_config import cfg
from oslo_config import generator

from octavia_f5.common import config
from tests import base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


class TestOptions(base.TestCase):

    def test_every_option_has_help_text(self):
        for group, opts in config.list_opts():
            for opt in opts:
                self.assertTrue(opt.help, '%s.%s has no help' % (group, opt.name))

    def test_credentials_and_keys_are_secret(self):
        secret = {(g, o.name) for g, opts in config.list_opts() for o in opts if o.secret}
        for name in (('f5_bigip', 'password'), ('f5_jobboard', 'redis_password'),
                     ('f5_jobboard', 'secret_key'),
                     ('f5_jobboard', 'persistence_connection')):
            self.assertIn(name, secret)

    def test_tls_verification_is_on_by_default(self):
        self.assertEqual('true', cfg.CONF.f5_bigip.verify)

    def test_groups_never_clash_with_octavias_own(self):
        for group, _opts in config.list_opts():
            self.assertTrue(group.startswith('f5_'), group)


class TestSampleConfig(base.TestCase):

    def test_checked_in_sample_is_current(self):
        sample = os.path.join(ROOT, 'etc', 'octavia_f5.conf.sample')
        with tempfile.TemporaryDirectory() as tmp:
            fresh = os.path.join(tmp, 'sample.conf')
            generator.main(['--namespace', 'octavia_f5', '--wrap-width', '79',
                            '--output-file', fresh])
            with open(fresh) as f:
                expected = f.read()
        with open(sample) as f:
            actual = f.read()
        self.assertEqual(expected, actual,
                         'etc/octavia_f5.conf.sample is stale: run "tox -e genconfig"')
