"""What a bundle holds: its schema and its member names, in the order they are written. Writing a bundle
(bundle_members.py, bundle.py) and reading one back (bundle_reading.py) share these, so that a reader accepts
exactly the files a writer makes.

Members, under `substra-wizard-bundle/`, in this order:
    wizard-answers.yaml                  the Plan (when one is known)
    values/<chart>-values.yaml           what each chart gets, redacted (re-serialised: comments are not
                                         carried, they may hold secrets)
    import-notes.json                    what wizard import said about values files (when it ran)
    explain.json, explain.md             the explain report of the values as bundled (of the Plan for a Plan)
    redactions.json                      every place a secret was taken out (never the secret)
    manifest.json                        schema substra-wizard/bundle@1, versions, input, files and their sha256
"""

from __future__ import annotations

from wizard.support.side import CHARTS

SCHEMA = "substra-wizard/bundle@1"
REDACTIONS_SCHEMA = "substra-wizard/redactions@1"
ROOT = "substra-wizard-bundle/"
ANSWERS, MANIFEST, REDACTIONS = "wizard-answers.yaml", "manifest.json", "redactions.json"
MEMBERS = (ANSWERS, *(f"values/{chart}-values.yaml" for chart in CHARTS), "import-notes.json", "explain.json",
           "explain.md", REDACTIONS, MANIFEST)
"""Every file a bundle may hold (names inside ROOT); opening refuses any other."""
