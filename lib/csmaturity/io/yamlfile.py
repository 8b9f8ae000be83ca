"""Reading YAML files into plain data, turning every failure into a :class:`Problem`.

Validating that data against a schema is :mod:`csmaturity.io.schema`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

__all__ = ["read_yaml_file", "load_yaml_text", "dump_yaml", "MAX_DEPTH", "MAX_NODES"]

#: Deepest nesting of mappings and lists a kit file may have (the model needs 6).
MAX_DEPTH = 50
#: Most values a document may expand to once its aliases are followed: a model has a
#: few thousand; a 1.5 KB "billion laughs" file expands to billions.
MAX_NODES = 200_000


class _Guards:
    """What both loaders refuse beyond YAML itself: a mapping that gives a key twice
    (YAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # an unhashable key: PyYAML reports it below
                continue
            if first is not key_node:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {_excerpt(key)} is given twice (lines {first.start_mark.line + 1} and "
                    f"{key_node.start_mark.line + 1}); keep one", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


class _GuardedLoader(_Guards, yaml.SafeLoader):
    """PyYAML's safe loader that refuses what would hang or mislead a reader:
    nesting deeper than :data:`MAX_DEPTH` (checked while composing, before Python's
    recursion limit), a mapping that gives a key twice (YAML keeps the last one
    silently), and, in :func:`load_yaml_text`, documents whose aliases expand past
    :data:`MAX_NODES` values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def _excerpt(value: Any, limit: int = 60) -> str:
    """A short quotation of ``value`` for a message (never a whole expanded value)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _children(node: yaml.Node) -> list[yaml.Node]:
    """A collection's nodes in document order (a mapping's keys and values); none for a scalar."""
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes ``root`` stands for with every alias followed, counted without
    expanding anything (an aliased node is one object, counted once per use); stops
    counting past :data:`MAX_NODES`. A collection that holds itself through an alias
    (``a: &x [*x]``) stands for endlessly many."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # collections whose children are still being counted
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done and id(node) in open_nodes:  # met again inside itself
            return MAX_NODES + 1
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in children))
            open_nodes.discard(id(node))
        else:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _deeper_than_allowed(root: yaml.Node) -> bool:
    """Whether a collection is nested deeper than :data:`MAX_DEPTH`, as the document
    is written (an alias is not followed again)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            continue
        if depth > MAX_DEPTH:
            return True
        seen.add(id(node))
        children = _children(node)
        # Children in document order: a node is first met where it is written, not at a
        # shallower alias of it further on.
        stack.extend((child, depth + 1) for child in reversed(children))
    return False


#: libyaml's parser, where PyYAML was built with it (its wheels are): a model parses in
#: a seventh of the time. It composes in C, so the depth is checked on the composed
#: document; any failure is parsed again by :class:`_GuardedLoader` for its messages.
_FAST_LOADER: type | None = (type("_FastGuardedLoader", (_Guards, yaml.CSafeLoader), {})
                             if getattr(yaml, "__with_libyaml__", False) else None)


def _load(text: str, loader_class: type) -> Any:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if loader_class is not _GuardedLoader and _deeper_than_allowed(node):
            raise yaml.composer.ComposerError(None, None, "nested too deep", node.start_mark)
        if _expanded_size(node) > MAX_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"its aliases (*name) expand to more than {MAX_NODES:,} values; "
                "write the values out or use fewer aliases", node.start_mark)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml_text(text: str) -> Any:
    """Parse one YAML document with the guards of :class:`_GuardedLoader`; raises
    ``yaml.YAMLError`` (with a line and column where known). Parsed by libyaml where
    PyYAML has it; a document it refuses is parsed again by PyYAML's own parser, whose
    messages and positions (and the depth guard's) are the ones reported. libyaml reads
    a few things PyYAML's parser refuses (a tab between a value and its comment), so a
    file is read more leniently where PyYAML has libyaml (its wheels do)."""
    if _FAST_LOADER is not None:
        try:
            return _load(text, _FAST_LOADER)
        except (yaml.YAMLError, UnicodeEncodeError):  # the latter: text libyaml cannot take (a lone surrogate)
            pass
    return _load(text, _GuardedLoader)


def read_yaml_file(path: str | Path) -> tuple[Any, list[Problem]]:
    """Load one YAML document; return ``(data, problems)``.

    Missing files, undecodable bytes, syntax errors and empty documents become
    problems naming the file (and line/column for syntax errors) instead of raising.
    """
    name = str(path)
    if Path(path).exists() and not Path(path).is_file():  # a folder, a named pipe, a device: reading would hang
        return None, [Problem(name, "", "not a regular file; expected a YAML file")]
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(name, "", "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "", f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8")]
    except OSError as exc:
        return None, [Problem(name, "", f"cannot read file: {exc.strerror or exc}")]
    try:
        data = load_yaml_text(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        if isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError)):
            what += " (the text is not valid YAML near this point: check indentation, colons, quotes and brackets)"
        return None, [Problem(name, where, f"malformed YAML: {what}")]
    except ValueError as exc:  # a value YAML takes for a date that is none, such as 2024-02-30
        return None, [Problem(name, "", f"malformed YAML: {exc} (a value written like a date, YYYY-MM-DD, that is no "
                                        "date; put it in quotes if it is text)")]
    if data is None:
        return None, [Problem(name, "", "file is empty; expected a YAML mapping")]
    if not isinstance(data, dict):
        return None, [Problem(name, "", f"expected a YAML mapping at the top level, got {type(data).__name__}")]
    return data, []


def dump_yaml(data: Any) -> str:
    """YAML text that keeps key order and non-ASCII characters readable."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
