"""Many clients at once: parallel, fault-isolated, resumable (see :mod:`.run`)."""

from .run import NOTEBOOK, BatchResult, ClientJob, ClientOutcome, Engine, expand_client_paths, run_batch, run_client

__all__ = ["NOTEBOOK", "BatchResult", "ClientJob", "ClientOutcome", "Engine", "expand_client_paths", "run_batch",
           "run_client"]
