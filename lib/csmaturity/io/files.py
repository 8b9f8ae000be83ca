"""Writing outputs safely: atomic replacement and file names that stay inside their folder."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError, Problem

__all__ = ["atomic_write", "atomic_path", "safe_name", "output_name_problems", "no_link_out", "inside",
           "MAX_NAME_BYTES"]


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

#: A file-name component is cut to this many UTF-8 bytes: file systems limit names by
#: bytes (255), and reports add ``.ja.report.html`` and the like to it.
MAX_NAME_BYTES = 100

#: Names Windows reserves for devices, with or without an extension: a folder holding
#: ``CON.ja.report.html`` cannot be copied to a Windows machine.
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                             *(f"lpt{i}" for i in range(1, 10))})


def is_device_name(text: str) -> bool:
    """Whether the file name :func:`safe_name` makes of ``text`` is a Windows device
    name (``CON``, ``aux.x``, full-width ``ｎｕｌ``)."""
    return safe_name(text).casefold().split(".")[0] in WINDOWS_DEVICES


def safe_name(text: str, fallback: str = "client") -> str:
    """A file-name component from free text (client ids, names): no separators, no
    leading or trailing dots, no '..', Japanese letters kept, at most
    :data:`MAX_NAME_BYTES` bytes. ``../../etc/x`` becomes ``etc_x``."""
    norm = unicodedata.normalize("NFKC", text)
    name = re.sub(r"\.{2,}", ".", _UNSAFE.sub("_", norm)).strip("._")
    name = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip("._")
    return name or fallback


def output_name_problems(named: Iterable[tuple[str, str]], reserved: Iterable[str] = (),
                         what: str = "client.id") -> list[Problem]:
    """Problems for ids whose output names would clash: the same :func:`safe_name` up to
    case (``acme``, ``ACME``, ``ａｃｍｅ``, ``acme.`` and ``acme/`` all write ``acme``; many
    file systems ignore case), a name in ``reserved`` (the caller's own files and
    folders) or a Windows device name. ``named`` holds ``(id, source file)`` pairs."""
    taken = {name.casefold() for name in reserved}
    first: dict[str, tuple[str, str]] = {}
    out: list[Problem] = []
    for value, source in named:
        name = safe_name(value)
        key = name.casefold()
        if key in taken:
            out.append(Problem(source, what, f"{value!r} would write its outputs as {name!r}, a name the kit "
                                             f"uses itself ({', '.join(sorted(reserved))}); choose another id"))
        elif is_device_name(value):
            out.append(Problem(source, what, f"{value!r} is a device name on Windows: its outputs could not be "
                                             "copied there; choose another id"))
        elif key in first and first[key][0] == value:
            out.append(Problem(source, what, f"duplicate client id {value!r}: already used by {first[key][1]}"))
        elif key in first:
            other_value, other_source = first[key]
            out.append(Problem(source, what, f"{value!r} writes the same output name {name!r} as {other_value!r} "
                                             f"in {other_source} (names differing only in case, width, "
                                             "punctuation or past the length limit clash); make the ids distinct"))
        else:
            first[key] = (value, source)
    return out


def no_link_out(root: str | Path, path: str | Path) -> Path:
    """``path`` (inside ``root``) after checking that no part of it below ``root`` is a
    symbolic link: writing through one would put files (or delete temporary ones)
    outside the output folder. OutputError naming the link otherwise."""
    root, path = Path(root).absolute(), Path(path).absolute()
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise OutputError(f"{path} is outside the output folder {root}") from None
    here = root
    for part in parts:
        here = here / part
        if here.is_symlink():
            raise OutputError(f"{here} is a symbolic link (to {os.readlink(here)}); the kit writes only inside "
                              f"{root}: remove the link")
    return path


def inside(folder: str | Path, name: str | Path) -> Path:
    """``folder / name`` resolved, after checking it names something inside ``folder``
    (not the folder itself, nor a place an absolute ``name``, ``..`` or a link leads
    out to); OutputError otherwise."""
    base = Path(folder).resolve()
    path = (base / name).resolve()
    if base not in path.parents:
        raise OutputError(f"{name} would be outside the folder {base}")
    return path
