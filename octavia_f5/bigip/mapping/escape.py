# SPDX-License-Identifier: Apache-2.0
"""User text on the device: descriptions, TCL string literals, L7 values and header names.

What could be misread, and by whom:

* iControl REST refuses a body with HTML-tag-like content (400 "HTML Tag-like Content in the
  Request URL/Body"), so ``<`` and ``>`` never travel as such.
* tmsh writes descriptions and policy values into bigip.conf; a quote, backslash, brace or
  bracket there can break the next configuration load. Descriptions get them replaced;
  LTM-policy values must be ``policy_safe`` or the listener's L7 goes to an iRule instead.
* An iRule is TCL: inside a double-quoted literal ``\\ " $ [`` are live (substitution and
  command execution). ``tcl_quote`` escapes every special character, and CR, LF, NUL and other
  control characters are refused before any value gets this far.
"""

import re

from octavia_f5.common import exceptions

MAX_DESCRIPTION = 255
MAX_VALUE = 255

_DESCRIPTION_MAP = str.maketrans({'"': "'", '\\': '/', '{': '(', '}': ')', '[': '(',
                                  ']': ')', '<': '(', '>': ')'})
# \u escapes take exactly the four digits given, unlike \x which swallows every following
# hex digit in TCL 8.4 (the iRule interpreter).
_TCL_SPECIAL = {'\\': '\\\\', '"': '\\"', '$': '\\$', '[': '\\[', ']': '\\]', '{': '\\{',
                '}': '\\}', '<': '\\u003c', '>': '\\u003e'}
# RFC 7230 section 3.2.6 token characters (header and cookie names).
_TOKEN = re.compile(r"\A[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
# Characters tmsh stores in a policy value without quoting (RFC 3986 unreserved, most
# delimiters and '%' for percent-encoding; no space, quote, '#', '$' or brackets).
_POLICY_SAFE = re.compile(r'\A[A-Za-z0-9._~:/?@!&()*+,;=%-]+\Z')


def description(*parts):
    """A BIG-IP ``description`` from user text: printable ASCII, no tmsh/HTML specials, capped.

    Non-empty ``parts`` are joined by " - " (e.g. an object's name and description). Control
    characters become spaces, other non-ASCII characters '?', the specials are replaced by
    look-alikes, and the result is cut at MAX_DESCRIPTION characters.
    """
    text = ' - '.join(str(p) for p in parts if p)
    chars = []
    for char in text:
        if char < ' ' or char == '\x7f':
            chars.append(' ')
        elif char > '~':
            chars.append('?')
        else:
            chars.append(char)
    text = ' '.join(''.join(chars).split()).translate(_DESCRIPTION_MAP)
    if len(text) > MAX_DESCRIPTION:
        text = text[:MAX_DESCRIPTION - 3] + '...'
    return text


def check_text(field, value, max_len=MAX_VALUE):
    """Return ``value`` if it is 1..max_len printable ASCII characters, else raise InvalidValue.

    CR, LF and NUL would split a header, a monitor string or a TCL command; other control and
    non-ASCII characters have no reliable meaning in bigip.conf or an iRule.
    """
    if not isinstance(value, str) or not value:
        raise exceptions.InvalidValue(field, 'a non-empty string is required')
    if len(value) > max_len:
        raise exceptions.InvalidValue(field, 'at most %d characters are allowed' % max_len)
    for char in value:
        if not ' ' <= char <= '~':
            raise exceptions.InvalidValue(
                field, 'only printable ASCII is allowed; control characters such as CR, LF '
                       'and NUL, and non-ASCII characters are refused (found %r)' % char)
    return value


def check_token(field, value):
    """Return a header or cookie name if it is an RFC 7230 token, else raise InvalidValue."""
    if not isinstance(value, str) or not _TOKEN.match(value) or len(value) > MAX_VALUE:
        raise exceptions.InvalidValue(
            field, 'a header or cookie name must be an RFC 7230 token (letters, digits and '
                   "!#$%&'*+-.^_`|~)")
    return value


def check_regex(field, value):
    """Return ``value`` if it is printable ASCII and compiles as a regular expression."""
    check_text(field, value)
    try:
        re.compile(value)
    except re.error as exc:
        raise exceptions.InvalidValue(field, 'not a valid regular expression: %s' % exc)
    return value


def policy_safe(value):
    """True when ``value`` can stand in an LTM policy as it is (see the module docstring)."""
    return bool(_POLICY_SAFE.match(value))


def tcl_escape(value):
    """The body of a TCL double-quoted literal that evaluates to exactly ``value``."""
    for char in value:
        if not ' ' <= char <= '~':
            # check_text refuses these with the field name; this guards the generators.
            raise ValueError('refusing to put %r into TCL' % char)
    return ''.join(_TCL_SPECIAL.get(char, char) for char in value)


def tcl_quote(value):
    """A complete TCL double-quoted literal of ``value``: no substitution can happen inside."""
    return '"%s"' % tcl_escape(value)
