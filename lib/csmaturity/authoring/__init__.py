"""Authoring a maturity model without writing YAML by hand.

- :func:`write_model_workbook` / :func:`read_model_workbook`: the model as an Excel
  workbook a consultant edits, read back through the same validation as a YAML file,
  every problem named by sheet, row and column;
- :func:`model_yaml`: a validated model as a YAML file people can read;
- :func:`model_json_schema`: the JSON Schema of the model file, for editors'
  completion (yaml-language-server).
"""

from .document import model_document, model_yaml
from .schema import model_json_schema
from .workbook import read_model_workbook, write_model_workbook

__all__ = ["model_document", "model_yaml", "model_json_schema", "read_model_workbook", "write_model_workbook"]
