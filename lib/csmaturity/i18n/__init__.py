"""The kit's words in Japanese and English: one store for every UI and report string.

The store is data: the YAML files listed in :data:`FILES`, each holding top-level
sections (``report``, ``widgets``, ``intake``...) of one labels tree. Every leaf is a
``{ja: ..., en: ...}`` pair: a string (``str.format`` placeholders in braces, the same
in both languages) or, for word lists such as the column headers a reader accepts, a
list. The files are read once per process.

- :func:`text` looks up one label by dotted key (``"chart.radar.title"``) and fills it;
- :func:`labels` returns the tree in one language as nested dicts (Jinja templates read
  it as ``L.summary.title``);
- :func:`variants` gives a key's wording in every language (to read what a person
  typed in either);
- :func:`check_language` is the one check of a language code;
- :func:`join_list` joins words into a list the way each language writes one.

The maturity model's own texts (questions, options, levels) live in the model file,
not here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import check_argument

__all__ = ["LANGUAGES", "FILES", "check_language", "labels", "text", "variants", "join_list", "leaves"]

#: The report and interface languages, in the order :func:`variants` lists them.
LANGUAGES = ("ja", "en")

#: The files of the store, merged into one tree; a section may appear in one file only.
FILES = ("labels.yaml", "widgets.yaml", "intake.yaml", "exercises.yaml", "data.yaml", "plan.yaml",
         "authoring.yaml", "respondents.yaml", "deliver.yaml")


def check_language(lang: str) -> str:
    """``lang`` itself when it is one of :data:`LANGUAGES`, else ValueError naming them."""
    check_argument(lang in LANGUAGES, "lang", f"language must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    return lang


def _is_leaf(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == set(LANGUAGES)


# The C loader (when PyYAML has it) reads the store about eight times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def _tree() -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for name in FILES:
        part = yaml.load((resources.files(__package__) / name).read_text(encoding="utf-8"), Loader=_LOADER)
        for section, node in part.items():
            if section in tree:
                raise ValueError(f"{name}: section {section!r} is already defined in another file of the store")
            tree[section] = node
    return tree


def _pick(node: Any, lang: str, path: str) -> Any:
    if _is_leaf(node):
        return node[lang]
    if isinstance(node, dict):
        return {key: _pick(value, lang, f"{path}.{key}".lstrip(".")) for key, value in node.items()}
    raise ValueError(f"labels: {path} must be a group of labels or a {{ja, en}} pair")


@lru_cache(maxsize=len(LANGUAGES))
def labels(lang: str) -> dict[str, Any]:
    """All labels in ``lang`` as nested dicts (do not modify: the result is shared)."""
    return _pick(_tree(), check_language(lang), "")


def _node(key: str, lang: str) -> Any:
    node: Any = labels(lang)
    for depth, part in enumerate(key.split(".")):
        if not isinstance(node, dict) or part not in node:
            known = ".".join(key.split(".")[:depth]) or "the store"
            raise KeyError(f"no label {key!r}: {known} has no {part!r}")
        node = node[part]
    return node


def text(key: str, lang: str, **fields: Any) -> str:
    """One label by dotted ``key`` in ``lang``, formatted with ``fields`` when given.

    Raises
    ------
    KeyError
        Naming ``key`` when it is not in the store or is a group or a word list.
    ValueError
        When ``lang`` is not one of :data:`LANGUAGES`.
    """
    node = _node(key, lang)
    if not isinstance(node, str):
        raise KeyError(f"label {key!r} is a group or a word list, not a text")
    return node.format(**fields) if fields else node


def variants(key: str) -> tuple[str, ...]:
    """The wording of ``key`` in every language, word lists flattened, without repeats:
    what a reader accepts when a person may type either language."""
    out: list[str] = []
    for lang in LANGUAGES:
        node = _node(key, lang)
        if isinstance(node, dict):
            raise KeyError(f"label {key!r} is a group, not a text or a word list")
        out.extend(w for w in ([node] if isinstance(node, str) else node) if w not in out)
    return tuple(out)


def join_list(items: Iterable[str], lang: str, *, conjunction: bool = True) -> str:
    """Words as a list in ``lang``: ``A, B and C`` / ``A、BとC``.

    With ``conjunction=False`` only the separator is used (``A; B; C`` / ``A、B、C``):
    for table cells, where an English item may itself hold a comma.
    """
    words = list(items)
    if not conjunction:
        return text("common.list.separator_plain", lang).join(words)
    if len(words) <= 1:
        return "".join(words)
    return text("common.list.separator", lang).join(words[:-1]) + text("common.list.last", lang) + words[-1]


def leaves(node: Any = None, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every ``(dotted key, leaf)`` of the store (or of ``node``), in file order: the
    ``{ja, en}`` pairs, and any node that is neither a pair nor a group (an error the
    store's tests report)."""
    node = _tree() if node is None else node
    if _is_leaf(node):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}".lstrip("."))
    else:
        yield path, node
