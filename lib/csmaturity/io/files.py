"""Writing outputs safely: atomic replacement and file names that stay inside their folder."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import check_argument

__all__ = ["atomic_write", "atomic_path", "safe_name", "inside"]


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    A failure (or Ctrl-C) inside the block removes the temporary file and leaves any
    existing ``target`` untouched, so a good report is never replaced by half of one.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Hidden, marked ".part", and ending like the target, so that a tool that checks
    # the extension (papermill wants ".ipynb") takes it as the real file.
    tmp = target.parent / f".{target.stem}.{secrets.token_hex(6)}.part{target.suffix}"
    # Created like any new file (mode 0666 less the umask), unlike mkstemp's 0600:
    # a report is a deliverable others must be able to read.
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(target: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``target`` atomically (text is written as UTF-8)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(target)


_UNSAFE = re.compile(r"[^\w.-]+", re.UNICODE)


def safe_name(text: str, fallback: str = "client") -> str:
    """A file-name component from free text (client ids, names): no separators, no
    leading dots, no '..', Japanese letters kept. ``../../etc/x`` becomes ``etc_x``."""
    norm = unicodedata.normalize("NFKC", text)
    name = _UNSAFE.sub("_", norm).strip("._")
    name = re.sub(r"\.{2,}", ".", name)[:100]
    return name or fallback


def inside(folder: str | Path, name: str) -> Path:
    """``folder / name`` after checking the result cannot escape ``folder``."""
    base = Path(folder).resolve()
    path = (base / name).resolve()
    check_argument(base == path or base in path.parents, "name", f"{name!r} would write outside {base}")
    return path
