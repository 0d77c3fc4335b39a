"""Strict reading of the project's YAML files: what the loader cannot check, it refuses.

Refused, each with file and line: a path that is not a regular file (FIFO, device, folder) or a
symbolic link leading out of the project; a file over the size limit; bytes that are not UTF-8 and
control characters; duplicate keys; aliases (``*name``: the way to a billion-laughs bomb); keys that
YAML reads as something other than a string (``yes:``, ``on:``, ``3.5:``), or that start ``__``;
nesting deeper than :data:`MAX_DEPTH`. Every mapping comes back with ``__line__`` (its line) and
``__lines__`` (the line of each key).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

try:  # libyaml's C scanner and parser, where PyYAML was built with it
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - a PyYAML without libyaml
    CParser = None

from .errors import RecordError

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_SHOWN = 200


def short(value: Any, limit: int = MAX_SHOWN) -> str:
    """``repr(value)``, cut to ``limit`` characters for messages (a 1 MB bad value is not echoed whole)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def rel_path(path: Path, root: Path) -> str:
    """``path`` relative to the project ``root`` where it lies inside it, as errors name files."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_bytes(path: Path, root: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file inside the project, at most ``limit`` of them.

    :raises RecordError: for a missing, special, oversized or outside file.
    """
    name = rel_path(path, root)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise RecordError(name, None, None, None, f"cannot read file: {exc}") from exc
    if path.is_symlink() and not real.is_relative_to(root.resolve()):
        raise RecordError(name, None, None, None, f"is a symbolic link to {real}, outside the project",
                          "a regular file inside the project folder")
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise RecordError(name, None, None, None, f"cannot read file: {exc}") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise RecordError(name, None, None, None, "is not a regular file (a FIFO, device or folder)",
                              "a regular file")
        if info.st_size > limit:
            raise RecordError(name, None, None, None, f"is {info.st_size} bytes long", f"at most {limit} bytes")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise RecordError(name, None, None, None, f"is longer than {limit} bytes", f"at most {limit} bytes")
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text, or an error naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RecordError(name, line, None, None, f"byte 0x{data[exc.start]:02x} at column {column} is not UTF-8",
                          "UTF-8 text") from None


class _StrictComposer(Composer):
    """Composition without aliases or deep nesting (the parser under it may be libyaml's or PyYAML's)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in data files",
                                              event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StrictLoader(_StrictComposer, Reader, Scanner, Parser, SafeConstructor, Resolver):
    """SafeLoader without aliases, duplicate keys, non-string keys or deep nesting; keeps lines."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


if CParser is not None:
    class _StrictCLoader(_StrictComposer, CParser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
        """The same loader on libyaml's scanner and parser (about 6x faster; events, marks and records are
        the same): composition stays in Python, so the alias and depth checks still run on every node."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[str, Any]:
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {short(key_node.value)} is read by YAML as a {type(key).__name__}, not a "
                            "field name; quote it or fix the spelling", key_node.start_mark)
        if key.startswith("__"):
            raise yaml.constructor.ConstructorError(None, None, f"the key {short(key)} is reserved",
                                                    key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {short(key)} (first on line {seen[key]})", key_node.start_mark)
        seen[key] = line
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = seen
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
if CParser is not None:
    _StrictCLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LOADER: type = _StrictCLoader if CParser is not None else _StrictLoader


def load_yaml(path: Path, root: Path, limit: int = MAX_BYTES, loader: type | None = None) -> Any:
    """The parsed content of one YAML file (mappings with line bookkeeping).

    :param loader: the loader class (default: on libyaml where available, else pure Python; tests compare them).
    :raises RecordError: naming file and line, for every refusal listed in the module docstring.
    """
    name = rel_path(path, root)
    data = read_bytes(path, root, limit)
    text = decode(data, name)
    loader = loader or _LOADER
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeConstructor without aliases
    except yaml.MarkedYAMLError as exc:
        # the context mark is where the broken construct starts (an unclosed quote, say): report it
        start, where = exc.context_mark, exc.problem_mark
        line = (start or where).line + 1 if (start or where) else None
        detail = f"{exc.context} (line {start.line + 1}): " if exc.context and start else ""
        detail += f"{exc.problem}" + (f" (line {where.line + 1}, column {where.column + 1})" if where else "")
        raise RecordError(name, line, None, None, f"malformed YAML: {detail}",
                          "YAML without aliases, duplicate keys or tabs; see data/README.md") from None
    except yaml.reader.ReaderError as exc:  # a control character such as \x01
        # PyYAML gives the position in characters and the character; libyaml a UTF-8 byte offset and a code
        before = data[:exc.position].decode("utf-8", "replace") if loader is not _StrictLoader else text[:exc.position]
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise RecordError(name, before.count("\n") + 1, None, None, f"character {char!r} is not allowed in YAML",
                          "printable text") from None
    except yaml.YAMLError as exc:
        raise RecordError(name, None, None, None, f"malformed YAML: {short(str(exc))}") from None
    except RecursionError:
        raise RecordError(name, None, None, None, "nesting too deep", f"at most {MAX_DEPTH} levels") from None
