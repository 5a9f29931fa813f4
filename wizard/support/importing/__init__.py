"""Importing a customer's values files: the Plan they amount to, what it cannot say, and what the operator must know.

`import_values` reads the files the way Helm does (reading.py), reads every decision back from them
(reconstruct.py), makes the Plan valid (valid_plan.py: a value it cannot hold falls back to its default, and says
so), then keeps verbatim every customer key the Plan does not render exactly (extras.py). The written values (the
Plan's keys plus the extras) merge over the chart defaults to what the customer's files merge to. Nothing is silently
dropped: each such key, each key the chart does not know, each key without effect and each contradiction becomes an
ImportNote.

Where the rest lives: pipeline.py puts the steps together, key_notes.py notes the customer's keys and
credentials.py their credentials, result.py holds ImportResult and ImportNote, report.py shows a result to people or
as JSON.
"""

from wizard.support.importing.extras import written_tree
from wizard.support.importing.pipeline import import_values
from wizard.support.importing.result import ImportNote, ImportResult

__all__ = ["ImportNote", "ImportResult", "import_values", "written_tree"]
