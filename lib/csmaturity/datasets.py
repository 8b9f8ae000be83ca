"""The sample data shipped inside the package, loaded by name (the lifelines / seaborn
habit), so a notebook finds them wherever it runs::

    import csmaturity as cm
    accounts = cm.load_sample_accounts()          # 2,400 fictitious accounts, validated
    survey = cm.load_sample_survey()              # their relational NPS survey (cp932 CSV)
    hikari = cm.load_sample_client("hikari-cloud")
    team = cm.load_sample_client("kaede-works")   # a folder: four respondents
    cm.sample_path("clients/hikari-cloud.yaml")   # the file itself, for the CLI or a report

The files are ``csmaturity/samples/`` (one copy, in a checkout as in a wheel):
``clients/`` (answers files and one client folder), ``history/`` (earlier assessments of
hikari-cloud), ``quick_check/`` (clients of the example quick-check model),
``accounts.csv``, ``accounts_ja.xlsx`` and ``survey_ja_cp932.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .answers import ClientAnswers
from .errors import check_argument
from .io.readers import read_accounts, read_survey
from .io.resources import sample_path
from .model import MaturityModel, load_model
from .respondents import ClientResponses, load_client

__all__ = ["load_sample_accounts", "load_sample_client", "load_sample_survey", "sample_clients", "sample_path"]


def load_sample_accounts(*, japanese_workbook: bool = False) -> pd.DataFrame:
    """The sample accounts table, read and validated as a client's would be.

    Parameters
    ----------
    japanese_workbook
        Read ``accounts_ja.xlsx`` (the same accounts with Japanese headers and values)
        instead of ``accounts.csv``; the result is the same table.
    """
    return read_accounts(sample_path("accounts_ja.xlsx" if japanese_workbook else "accounts.csv"))


def load_sample_survey() -> pd.DataFrame:
    """The sample relational NPS survey (Japanese headers, cp932), read and validated."""
    return read_survey(sample_path("survey_ja_cp932.csv"))


def sample_clients(folder: str = "clients") -> list[str]:
    """The names :func:`load_sample_client` takes: answers files (without ``.yaml``) and
    client folders of ``folder`` (``"clients"``, or ``"quick_check"`` for the example
    quick-check model's clients)."""
    base = sample_path(folder)
    return sorted(p.stem if p.is_file() else p.name for p in base.iterdir()
                  if (p.is_file() and p.suffix == ".yaml") or p.is_dir())


def load_sample_client(name: str = "hikari-cloud", model: MaturityModel | None = None, *,
                       folder: str = "clients") -> ClientAnswers | ClientResponses:
    """A sample client: one respondent's answers, or a client folder's respondents.

    Parameters
    ----------
    name
        One of :func:`sample_clients` (``"hikari-cloud"``, ``"kaede-works"``, ...).
    model
        The model the answers are read against; the shipped one by default. The
        ``quick_check`` clients need the example quick-check model.
    folder
        ``"clients"`` or ``"quick_check"``.

    Raises
    ------
    ArgumentError
        When there is no sample client of that name (the message lists them).
    """
    names = sample_clients(folder)
    check_argument(name in names, "name", f"name must be one of the sample clients {names}, got {name!r}")
    base = sample_path(folder)
    path = base / name if (base / name).is_dir() else base / f"{name}.yaml"
    return load_client(Path(path), model if model is not None else load_model())
