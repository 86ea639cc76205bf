# SPDX-License-Identifier: Apache-2.0
"""Test base classes shared by unit, functional and end-to-end tests."""

from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslotest import base

from octavia_f5.common import config


class TestCase(base.BaseTestCase):
    """Base for every octavia_f5 test: a private, resettable oslo.config object."""

    def setUp(self):
        super().setUp()
        config.register_opts(cfg.CONF)
        self.conf = self.useFixture(config_fixture.Config(cfg.CONF))

    def config(self, group=None, **kw):
        """Override options for this test only."""
        self.conf.config(group=group, **kw)
