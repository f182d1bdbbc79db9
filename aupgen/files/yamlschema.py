"""How plain YAML values are read: PyYAML's safe loader, with numbers as a person means them.

PyYAML follows YAML 1.1, where ``012`` is the octal number 10, ``1:30`` is the number 90 (base
60) and ``1_000`` is 1000. Nobody filling in an answers file means that. These loaders read
numbers as YAML 1.2 does: ``012`` is twelve (and a note says so), ``0x0c`` is hexadecimal only
when written so, and ``1:30``, ``1_0`` or ``0b11`` are text. Every word read as a number here is
one YAML 1.1 reads as a number too, so a text PyYAML's dumper writes unquoted is read back as text. A value under an
explicit tag that does not fit it (``!!bool maybe``, ``!!timestamp nope``, a number of hundreds of
digits) raises ``ValueError``, which the reader turns into a sentence naming the line.

The constructor is PyYAML's SafeConstructor (no ``!!python/...`` tag can build anything); only
the int, float, bool and timestamp rules change.
"""

from __future__ import annotations

import re

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

MAX_DIGITS = 100
"""A number longer than this is no answer to any question; refusing it keeps every message short."""

_INT = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|[-+]?0[0-7]+|[-+]?0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X)
_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class PlainResolver(Resolver):
    """YAML 1.1's resolver with YAML 1.2's rules for which plain words are numbers."""


PlainResolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
PlainResolver.add_implicit_resolver(_INT_TAG, _INT, list("-+0123456789"))
PlainResolver.add_implicit_resolver(_FLOAT_TAG, _FLOAT, list("-+0123456789."))


class PlainConstructor(SafeConstructor):
    """SafeConstructor whose numbers, yes/no values and dates are read as a person means them.

    ``notes`` collects sentences about values read differently from YAML 1.1 (``012`` as twelve),
    each with its 1-based line.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[tuple[int, str]] = []

    def construct_plain_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node)).strip()
        sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
        if len(digits) > MAX_DIGITS:
            raise ValueError(f"a number of {len(digits):,} digits")
        negative = sign == "-"
        if digits.startswith(("0x", "0X")):
            value = int(digits[2:], 16)
        elif digits.startswith(("0o", "0O")):
            value = int(digits[2:], 8)
        elif digits.isdigit() and digits.isascii():
            value = int(digits, 10)
            if len(digits) > 1 and digits.startswith("0") and node.tag == _INT_TAG and not node.style:
                self.notes.append((node.start_mark.line + 1, f"{text} is read as the number {int(text, 10)} "
                                   "(older YAML would have read a leading 0 as an octal number)"))
        else:
            raise ValueError(f"{text!r} is not a whole number")
        return -value if negative else value

    def construct_plain_float(self, node: yaml.ScalarNode) -> float:
        text = str(self.construct_scalar(node))
        if ":" in text or len(text) > MAX_DIGITS:
            raise ValueError(f"{text!r} is not a number")
        return super().construct_yaml_float(node)

    def construct_plain_bool(self, node: yaml.ScalarNode) -> bool:
        text = str(self.construct_scalar(node))
        if text.lower() not in self.bool_values:
            raise ValueError(f"{text!r} is not yes or no")
        return self.bool_values[text.lower()]

    def construct_plain_timestamp(self, node: yaml.ScalarNode):
        try:
            return super().construct_yaml_timestamp(node)
        except (AttributeError, TypeError, KeyError) as exc:  # PyYAML's own errors for a non-date
            raise ValueError(f"{node.value!r} is not a date") from exc


PlainConstructor.add_constructor(_INT_TAG, PlainConstructor.construct_plain_int)
PlainConstructor.add_constructor(_FLOAT_TAG, PlainConstructor.construct_plain_float)
PlainConstructor.add_constructor("tag:yaml.org,2002:bool", PlainConstructor.construct_plain_bool)
PlainConstructor.add_constructor("tag:yaml.org,2002:timestamp", PlainConstructor.construct_plain_timestamp)


class SafeLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                 PlainConstructor, PlainResolver):
    """The pure-Python loader: its error messages and line numbers are the ones shown to users."""

    def __init__(self, stream) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        PlainConstructor.__init__(self)
        PlainResolver.__init__(self)


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

FastLoader: type | None = None
if CParser is not None:
    class FastLoader(CParser, PlainConstructor, PlainResolver):  # type: ignore[no-redef]
        """libyaml's parser with the same constructor and resolver."""

        def __init__(self, stream) -> None:
            CParser.__init__(self, stream)
            PlainConstructor.__init__(self)
            PlainResolver.__init__(self)
