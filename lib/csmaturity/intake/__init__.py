"""The intake workbook: a questionnaire generated from the model, filled in Excel by a
client, and imported back as answers (see :mod:`.workbook`)."""

from .workbook import (
    FORMAT,
    TICK,
    answers_data,
    answers_yaml,
    choice_labels,
    model_fingerprint,
    read_intake,
    write_answers,
    write_intake_template,
)

__all__ = ["FORMAT", "TICK", "answers_data", "answers_yaml", "choice_labels", "model_fingerprint", "read_intake",
           "write_answers", "write_intake_template"]
