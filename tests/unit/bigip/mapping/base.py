# SPDX-License-Identifier: Apache-2.0
"""Golden-file assertions for mapping tests.

A golden file holds the exact resources (collection, partition, name, body, content) a case
must produce. A missing or different file fails the test. To (re)write golden files after a
deliberate change, run the tests with OCTAVIA_F5_WRITE_GOLDEN=1 and review the diff.
"""

import json
import os

from octavia_f5.common import exceptions
from tests import base

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden')


def as_json(resources):
    out = []
    for item in resources:
        entry = {'collection': item.collection, 'partition': item.partition,
                 'name': item.name, 'body': item.body}
        if item.content is not None:
            entry['content'] = item.content
        out.append(entry)
    return out


class MappingTestCase(base.TestCase):
    """Golden comparisons and refusal checks shared by the mapping tests."""

    family = None

    def assertGolden(self, case, resources):
        path = os.path.join(GOLDEN, self.family, case + '.json')
        actual = as_json(resources)
        if os.environ.get('OCTAVIA_F5_WRITE_GOLDEN'):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                json.dump(actual, f, indent=2, sort_keys=True)
                f.write('\n')
        with open(path) as f:
            expected = json.load(f)
        self.assertEqual(expected, json.loads(json.dumps(actual)), path)

    def assertUnsupported(self, field, reason_part, func, *args, **kwargs):
        error = self.assertRaises(exceptions.UnsupportedOption, func, *args, **kwargs)
        self.assertEqual(field, error.field)
        self.assertIn(reason_part, error.reason)
        self.assertIn(field, str(error))
        return error

    def assertInvalid(self, field, reason_part, func, *args, **kwargs):
        error = self.assertRaises(exceptions.InvalidValue, func, *args, **kwargs)
        self.assertEqual(field, error.field)
        self.assertIn(reason_part, error.reason)
        self.assertIn(field, str(error))
        return error

    def body(self, resources, collection, name_part=''):
        """The body of the one resource of ``collection`` whose name contains ``name_part``."""
        found = [r.body for r in resources
                 if r.collection == collection and name_part in r.name]
        self.assertEqual(1, len(found), [(r.collection, r.name) for r in resources])
        return found[0]
