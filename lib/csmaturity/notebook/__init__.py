"""Running the parameterized diagnosis notebook (papermill, on a kept kernel for
batches), turning it into the offline, code-free audit HTML, and the notebooks'
parameter convention (:func:`optional`)."""

from .audit import audit_exporter, default_notebook, export_audit_html, run_diagnosis_notebook
from .params import optional

__all__ = ["audit_exporter", "default_notebook", "export_audit_html", "optional", "run_diagnosis_notebook"]
