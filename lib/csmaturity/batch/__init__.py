"""Many clients at once: parallel, fault-isolated, resumable (see :mod:`.run`)."""

from .run import (
    BATCH_NAMES,
    DEFAULT_CLIENT_TIMEOUT,
    NOTEBOOK,
    BatchResult,
    ClientJob,
    ClientOutcome,
    Engine,
    demo_batch,
    expand_client_paths,
    run_batch,
    run_client,
)

__all__ = ["BATCH_NAMES", "DEFAULT_CLIENT_TIMEOUT", "NOTEBOOK", "BatchResult", "ClientJob", "ClientOutcome", "Engine",
           "demo_batch", "expand_client_paths", "run_batch", "run_client"]
