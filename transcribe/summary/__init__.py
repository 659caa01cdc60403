"""Reading a redacted transcript: who is the officer, and the CRISSA supervision note.

Modules, in the order the note is put together::

    roles.py            speaker roles (officer, person on probation...) from what each says, with a confidence
    text.py             phrase tables, sentences and citations, shared by the parts below
    actions.py          tasks agreed, with owner and deadline (Set task)
    appointment.py      the next appointment (Appointment)
    risk_cues.py        the risk cue catalogue: which categories a sentence discloses
    risk_classifier.py  the learned classifier over dialogue windows (trained at install time)
    risk_flags.py       risk and safeguarding flags for the supervisor, from both
    themes.py           themes, from cue words and sentence meaning
    embed.py            the sentence embedder the themes use
    crissa.py           the note: Check-in, Review, Intervention, Summary sections and everything above
    llm.py              optional wording of the sections by a local language model

Importing this package loads no model library: the embedder and the classifier import torch when built.
"""

from .crissa import summarise
from .llm import summarise_with_llm
from .roles import ROLES, assign_roles, relabel

__all__ = ["ROLES", "assign_roles", "relabel", "summarise", "summarise_with_llm"]
