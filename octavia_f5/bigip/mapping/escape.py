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
* Octavia checks REGEX values with Python's ``re``; iRules run them in TCL's ARE engine, which
  refuses part of Python's syntax (only when a request arrives) and reads some escapes
  differently: ``check_regex`` refuses those too.
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


def check_name(field, value):
    """Return a name or description unless it holds characters outside Unicode's BMP.

    Octavia's MySQL schema (charset utf8, three bytes a character) cannot store them. On an
    update Octavia calls the provider first and writes afterwards: the write fails (HTTP 500,
    Octavia keeps the old text) after the job was posted, and the device would take the new
    text. The device itself shows non-ASCII as '?' (``description``).
    """
    if isinstance(value, str) and any(char > '\uffff' for char in value):
        raise exceptions.InvalidValue(
            field, "characters outside Unicode's Basic Multilingual Plane (such as emoji) "
                   "are refused: Octavia's database cannot store them")
    return value


def check_token(field, value):
    """Return a header or cookie name if it is an RFC 7230 token, else raise InvalidValue."""
    if not isinstance(value, str) or not _TOKEN.match(value) or len(value) > MAX_VALUE:
        raise exceptions.InvalidValue(
            field, 'a header or cookie name must be an RFC 7230 token (letters, digits and '
                   "!#$%&'*+-.^_`|~)")
    return value


def check_regex(field, value):
    """Return ``value`` if it is printable ASCII and a regex that Python and TCL read alike.

    Octavia checks a REGEX value with Python's ``re``; the iRule evaluates it with TCL's ARE
    engine (``matches_regex``), which refuses some of Python's syntax when the first request
    arrives (a TCL error resets every connection) and reads some escapes differently.
    """
    check_text(field, value)
    try:
        re.compile(value)
    except re.error as exc:
        raise exceptions.InvalidValue(field, 'not a valid regular expression: %s' % exc)
    problem = _tcl_regex_problem(value)
    if problem:
        raise exceptions.InvalidValue(
            field, 'BIG-IP evaluates regular expressions with TCL, which %s' % problem)
    return value


# TCL ARE's largest repetition count (RE_DUP_MAX); {256} fails to compile.
_MAX_REPEAT = 255
_BOUND = re.compile(r'\{(\d+)(?:,(\d*))?\}')
_DIGITS = '0123456789'
_HEX = frozenset('0123456789abcdefABCDEF')


def _tcl_regex_problem(value):
    r"""Why TCL's ARE engine would refuse or misread ``value`` (a valid Python regex), or None.

    Checked against tclsh 8.6 (the engine of BIG-IP's TCL 8.4): groups other than (?:...),
    lookaheads (not repeated) and (?#...) comments; possessive quantifiers; counts above 255
    or malformed; [: [. [= and octal escapes inside brackets; backreferences; \b and \B
    (TCL: backspace and backslash); \N{...}; \xHH followed by a hex digit (TCL takes every
    following hex digit).
    """
    index, length, in_class = 0, len(value), False
    groups = []
    while index < length:
        char = value[index]
        if char == '\\':
            escaped = value[index + 1:index + 2]
            if escaped in ('b', 'B') and not in_class:
                return ('reads \\b as a backspace and \\B as a backslash, not as word '
                        'boundaries')
            if escaped == 'N':
                return 'has no \\N{...} named characters'
            # Python took exactly two hex digits after \x (re.compile passed).
            if escaped == 'x' and value[index + 4:index + 5] in _HEX:
                return ('reads every hex digit after \\x as part of the escape; write '
                        '\\u00HH')
            if in_class and escaped in _DIGITS:
                return 'has no octal escapes inside brackets; write \\u00HH'
            if escaped in _DIGITS[1:]:
                # TCL refuses some (a group repeated {0} times, one inside a lookahead).
                return ('refuses some backreferences (to a group repeated {0} times, inside a '
                        'lookahead), so none are accepted')
            index += 2
        elif in_class:
            if value[index:index + 2] in ('[:', '[.', '[='):
                return ('reads %s inside brackets as the start of a character class, '
                        'collating element or equivalence class (Python does not); write '
                        '\\[' % value[index:index + 2])
            in_class = char != ']'
            index += 1
        elif char == '[':
            in_class = True
            index += 1
            index += value[index:index + 1] == '^'
            index += value[index:index + 1] == ']'
        elif char == '(':
            kind = value[index + 2:index + 3] if value[index + 1:index + 2] == '?' else '('
            if kind not in ('(', ':', '=', '!', '#'):
                return ('supports no (?%s...) groups: only (?:...), (?=...), (?!...) and '
                        '(?#...) (no named groups, lookbehinds, atomic groups or embedded '
                        'options)' % kind)
            groups.append(kind)
            index += 1 if kind == '(' else 3
        elif char == ')':
            index += 1
            lookahead = groups and groups.pop() in ('=', '!')
            if lookahead and value[index:index + 1] in ('*', '+', '?', '{'):
                return 'cannot repeat a lookahead'
        else:
            if char == '{' and value[index + 1:index + 2] in _DIGITS + ',':
                # TCL reads "{" then a digit as a count and refuses a malformed one; Python
                # reads it as a plain brace. "{,n}" is a count only in Python.
                bound = _BOUND.match(value, index)
                if not bound:
                    return ('reads "{" followed by a digit or comma as a repetition count '
                            '{m}, {m,} or {m,n}; write \\{ for a brace')
                if any(int(n) > _MAX_REPEAT for n in bound.groups() if n):
                    return 'allows at most %d repetitions in {m,n}' % _MAX_REPEAT
                index = bound.end()
            elif char in '*+?':
                index += 1
            else:
                index += 1
                continue
            if value[index:index + 1] == '+':
                return 'has no possessive quantifiers (*+, ++, ?+, {m,n}+)'
    return None


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
