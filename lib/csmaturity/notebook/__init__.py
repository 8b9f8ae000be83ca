"""Running the parameterized diagnosis notebook (papermill, on a kept kernel for
batches) and turning it into the offline, code-free audit HTML."""

from .audit import audit_exporter, default_notebook, export_audit_html, run_diagnosis_notebook

__all__ = ["audit_exporter", "default_notebook", "export_audit_html", "run_diagnosis_notebook"]
