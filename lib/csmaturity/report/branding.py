"""The consulting firm's look on every deliverable: name, logo, colours, consultant, footer.

A small YAML file (``csmaturity report --branding branding.yaml``)::

    firm: Example Advisory
    consultant: Hanako Sato
    logo: logo.png                  # PNG or JPEG, relative to this file
    colors: {primary: "#0b4f8a", accent: "#0173b2"}
    footer: {ja: "...", en: Example Advisory Ltd.}
    confidentiality: "Confidential: prepared for {client}"

Every key is optional; without a file the deliverables carry the kit's own colours
and no firm. A text is one string or a ``{ja, en}`` pair (a pair may give one
language only: the other is used then). ``{client}`` in the footer or the
confidentiality line is replaced by the client's name. The same :class:`Branding`
is applied to the HTML page, the PDF, the deck and the workbook.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator

from ..errors import ConfigError, Problem
from ..i18n import check_language
from ..io.schema import StrictModel, load_yaml_as

__all__ = ["Branding", "BrandColors", "Wording", "load_branding", "DEFAULT_BRANDING"]

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")  # the whole value (fullmatch): no trailing newline
#: Picture types every deliverable can carry (the deck and the workbook take rasters only).
LOGO_TYPES = (".png", ".jpg", ".jpeg")
#: How PNG and JPEG files begin: a logo is checked by its bytes, not only its name.
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
#: The largest logo, in MB: every deliverable embeds it (the HTML as base64).
MAX_LOGO_MB = 5


class Wording(StrictModel):
    """A text in Japanese, English or both."""

    ja: str | None = Field(default=None, min_length=1)
    en: str | None = Field(default=None, min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang``, else in the other language ("" when neither)."""
        return getattr(self, check_language(lang)) or self.ja or self.en or ""


class BrandColors(StrictModel):
    """Two colours as ``#RRGGBB``: ``primary`` (headings, title bars), ``accent`` (the
    client's series in charts, highlights)."""

    primary: str = "#0B4F8A"
    accent: str = "#0173B2"

    @field_validator("primary", "accent")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX.fullmatch(value):
            raise ValueError(f"a colour is written #RRGGBB (six hexadecimal digits), got {value!r}")
        return value.upper()


class Branding(StrictModel):
    """The firm's look (see the module docstring); every field optional."""

    firm: str | None = Field(default=None, min_length=1)
    consultant: str | None = Field(default=None, min_length=1)
    #: The logo file; a relative path is read relative to the branding file.
    logo: Path | None = None
    colors: BrandColors = BrandColors()
    footer: str | Wording | None = None
    confidentiality: str | Wording | None = None

    @field_validator("logo")
    @classmethod
    def _picture(cls, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"the logo must be a PNG or JPEG file ({', '.join(LOGO_TYPES)}), got {value.name!r}")
        return value

    def wording(self, field: str, lang: str, client: str = "") -> str:
        """``footer`` or ``confidentiality`` in ``lang`` with ``{client}`` filled; "" when unset."""
        value = getattr(self, field)
        words = value if isinstance(value, str) else value.get(lang) if value is not None else ""
        return words.replace("{client}", client)

    def byline(self) -> str:
        """``consultant, firm`` as far as either is given."""
        return ", ".join(part for part in (self.consultant, self.firm) if part)

    @cached_property
    def logo_bytes(self) -> bytes | None:
        """The logo file's bytes (read once); None without a logo."""
        return None if self.logo is None else self.logo.read_bytes()

    @property
    def logo_mime(self) -> str:
        return "image/png" if self.logo is not None and self.logo.suffix.lower() == ".png" else "image/jpeg"


#: No branding file: the kit's colours, no firm, no logo.
DEFAULT_BRANDING = Branding()


def load_branding(path: str | Path | None) -> Branding:
    """Read a branding YAML file; ``None`` gives :data:`DEFAULT_BRANDING`.

    Raises
    ------
    ConfigError
        The file is missing, not YAML, has unknown keys or wrong values, or names a
        logo that is not there (every problem listed, each with its key path).
    """
    if path is None:
        return DEFAULT_BRANDING
    path = Path(path)
    branding = load_yaml_as(Branding, path, ConfigError)
    if branding.logo is None:
        return branding
    logo = branding.logo if branding.logo.is_absolute() else path.parent / branding.logo
    if not logo.is_file():
        raise ConfigError([Problem(str(path), "logo", f"file not found: {logo}")])
    size = logo.stat().st_size
    if size > MAX_LOGO_MB * 2**20:
        raise ConfigError([Problem(str(path), "logo", f"{logo} is {size / 2**20:.1f} MB; a logo may be "
                                                      f"{MAX_LOGO_MB} MB at most (every deliverable embeds it)")])
    with logo.open("rb") as head:
        start = head.read(8)
    if not start.startswith(_SIGNATURES):
        raise ConfigError([Problem(str(path), "logo", f"{logo} is not a PNG or JPEG picture (its bytes say "
                                                      "otherwise, whatever its name); export the logo as PNG")])
    return branding.model_copy(update={"logo": logo})
