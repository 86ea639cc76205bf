# SPDX-License-Identifier: Apache-2.0
"""Tests of the escaping of user text: descriptions, TCL literals (proven in tclsh), checks."""

import testtools

from octavia_f5.bigip.mapping import escape
from octavia_f5.common import exceptions
from tests import base
from tests.unit.bigip.mapping import tcl

HOSTILE = [
    '"]; exec rm -rf /; [',
    '$env(HOME)',
    '[exec id]',
    '\\"; puts pwned; #',
    '{*}[list a b]',
    '}; puts x; {',
    '<script>alert(1)</script>',
    '\\u0041\\x41\\n',
    'tail\\',
    "' OR 1=1 --",
]


class TestDescription(base.TestCase):

    def test_name_and_description_are_joined(self):
        self.assertEqual('web - front end', escape.description('web', 'front end'))

    def test_empty_parts_are_left_out(self):
        self.assertEqual('web', escape.description('web', None))
        self.assertEqual('', escape.description(None, ''))

    def test_control_characters_become_spaces_and_runs_collapse(self):
        self.assertEqual('a b c', escape.description('a\r\n\tb\x00 \x7fc'))

    def test_tmsh_and_html_specials_are_replaced(self):
        self.assertEqual("('x') (y) (z) /", escape.description('{"x"} [y] <z> \\'))

    def test_non_ascii_becomes_question_mark(self):
        self.assertEqual('caf? ?', escape.description('caf\u00e9 \u2603'))

    def test_long_text_is_capped(self):
        text = escape.description('x' * 1000)
        self.assertEqual(escape.MAX_DESCRIPTION, len(text))
        self.assertTrue(text.endswith('...'))


class TestChecks(base.TestCase):

    def test_cr_lf_nul_and_control_characters_are_refused(self):
        for bad in ('a\rb', 'a\nb', 'a\x00b', 'a\tb', 'a\x1bb', 'caf\u00e9'):
            error = self.assertRaises(exceptions.InvalidValue, escape.check_text, 'value',
                                      bad)
            self.assertEqual('value', error.field)
            self.assertIn('control characters such as CR, LF and NUL', error.reason)

    def test_empty_and_too_long_values_are_refused(self):
        self.assertRaises(exceptions.InvalidValue, escape.check_text, 'value', '')
        self.assertRaises(exceptions.InvalidValue, escape.check_text, 'value', 'x' * 256)

    def test_header_names_must_be_rfc7230_tokens(self):
        token = "X-A_b.c!#$%&'*+^`|~9"
        self.assertEqual(token, escape.check_token('key', token))
        for bad in ('X A', 'X:A', 'X"A', 'X(A)', 'X\r\nA', '', 'X[A]', 'X{A}', 'X/A'):
            error = self.assertRaises(exceptions.InvalidValue, escape.check_token, 'key', bad)
            self.assertIn('RFC 7230 token', error.reason)

    def test_invalid_regex_is_refused_with_the_parser_reason(self):
        error = self.assertRaises(exceptions.InvalidValue, escape.check_regex, 'value', 'a[')
        self.assertIn('not a valid regular expression', error.reason)

    def test_policy_safe_allows_urls_but_not_quoting_characters(self):
        self.assertTrue(escape.policy_safe('/api/v1?x=1&y=%20'))
        self.assertTrue(escape.policy_safe('https://example.com:8443/a;b'))
        for bad in ('a b', 'a"b', "a'b", 'a$b', 'a[b', 'a{b', 'a\\b', 'a<b', 'a#b', ''):
            self.assertFalse(escape.policy_safe(bad), bad)


class TestTcl(base.TestCase):

    def test_special_characters_are_escaped(self):
        self.assertEqual(r'"a\"b\$c\[d\]e\{f\}g\\h\u003ci\u003e"',
                         escape.tcl_quote('a"b$c[d]e{f}g\\h<i>'))

    def test_control_characters_never_reach_tcl(self):
        self.assertRaises(ValueError, escape.tcl_quote, 'a\nb')
        self.assertRaises(ValueError, escape.tcl_quote, 'a\x00b')

    def test_escaped_literals_never_contain_html_tag_like_text(self):
        for value in HOSTILE:
            self.assertNotIn('<', escape.tcl_quote(value))

    @testtools.skipUnless(tcl.TCLSH, 'tclsh is not installed')
    def test_hostile_values_evaluate_to_themselves_in_tcl(self):
        # Each literal is set as a variable and printed back, one per line, in a real tclsh
        # in which "exec" and "puts" would show any injection.
        script = ''.join('set v %s\nputs -nonewline "$v\\x00"\n' % escape.tcl_quote(v)
                         for v in HOSTILE)
        script = 'rename exec {}\n' + script
        output = tcl.run(script).decode('ascii').split('\x00')[:-1]
        self.assertEqual(HOSTILE, output)


# Valid in Python's re (what Octavia checks), refused or misread by TCL's ARE engine, with
# what the refusal names.
TCL_REGEX_REFUSALS = [
    ('(?<=a)b', '(?<...)'), ('(?<!a)b', '(?<...)'), ('(?P<n>a)', '(?P...)'),
    ('(?P<n>a)(?P=n)', '(?P...)'), ('(?>a)', '(?>...)'), ('(?i)a', '(?i...)'),
    ('(?i:a)b', '(?i...)'), ('(?s).', '(?s...)'), ('a*+', 'possessive'), ('a++', 'possessive'),
    ('a{2}+', 'possessive'), ('.{256}', 'at most 255'), ('a{1,300}', 'at most 255'),
    ('a{,3}', 'repetition count'), ('x{5', 'repetition count'), ('{1a', 'repetition count'),
    (r'\bword\b', 'backspace'), (r'\Bx', 'backspace'), (r'\N{DIGIT ONE}', r'\N'),
    (r'\x41BC', r'\x'), ('[[:alpha:]]', '[:'), ('[[.a.]]', '[.'), (r'[\1]', 'octal'),
    (r'(a)\1', 'backreferences'), ('(?=a)*b', 'lookahead'), ('(?!a){2}b', 'lookahead'),
]
# Accepted: they mean the same in both engines.
TCL_REGEX_ACCEPTED = [
    '^/api/v[0-9]+/', r'\.(jpg|png)$', r'^(www\.)?example\.com$', r'^/users/\d+$',
    'a{1,3}b{2}c{0,255}', 'a{x}', '(?:a|b)+?', '(?=a)a', '(?!b)a', 'a(?#note)b', r'[\b]',
    r'[\]\[]', '[]a]', '[^]a]', r'\x41\u0042', r'\{1\}', r'\A\d\D\s\S\w\W\Z', '[a-]',
]


class TestRegex(base.TestCase):

    def test_syntax_tcl_refuses_or_misreads_is_refused_naming_it(self):
        for value, named in TCL_REGEX_REFUSALS:
            error = self.assertRaises(exceptions.InvalidValue, escape.check_regex, 'value',
                                      value)
            self.assertEqual('value', error.field)
            self.assertIn('TCL', error.reason)
            self.assertIn(named, error.reason, value)

    def test_regexes_both_engines_read_alike_are_accepted(self):
        for value in TCL_REGEX_ACCEPTED:
            self.assertEqual(value, escape.check_regex('value', value))

    @testtools.skipUnless(tcl.TCLSH, 'tclsh is not installed')
    def test_accepted_regexes_compile_in_tcl_and_refused_ones_do_not(self):
        # [regexp] compiles its pattern as iRules' matches_regex does; each line prints 1
        # when the pattern compiles.
        refused_by_tcl = [v for v, _named in TCL_REGEX_REFUSALS
                          if v not in (r'\x41BC', '[[:alpha:]]', '[[.a.]]', r'\bword\b',
                                       r'\Bx', '(?i)a', '(?s).', 'a{,3}', r'(a)\1')]
        values = TCL_REGEX_ACCEPTED + refused_by_tcl
        script = ''.join('puts [expr {![catch {regexp -- %s x}]}]\n' % escape.tcl_quote(v)
                         for v in values)
        output = tcl.run(script).decode('ascii').split()
        self.assertEqual(['1'] * len(TCL_REGEX_ACCEPTED) + ['0'] * len(refused_by_tcl),
                         output)


class TestNames(base.TestCase):

    def test_characters_octavia_cannot_store_are_refused(self):
        error = self.assertRaises(exceptions.InvalidValue, escape.check_name, 'name',
                                  'web \U0001F600')
        self.assertIn('Basic Multilingual Plane', error.reason)

    def test_other_text_passes_as_it_is(self):
        for value in ('Zürich €', '"[exec id]"', '', None, 'x' * 255):
            self.assertEqual(value, escape.check_name('name', value))
