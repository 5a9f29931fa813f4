"""What each secret of a Plan is for and where its value will come from, as both front ends show it in the Accounts
and secrets step: typed now, kept from the output folder's secrets/, or generated. Values are masked unless the
operator asked to see them (the TUI's reveal key); a typed password is never shown here unless revealed either.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from wizard.planning.passwords import mask
from wizard.planning.plan import Plan
from wizard.writing.credentials import needed

WHERE = ("typed: given in this step; kept: read back from the output folder's secrets/; to be generated: made when "
         "the files are written. All go to Kubernetes Secret manifests in secrets/ beside the values files (folder "
         "0700, files 0600), which the charts read by name: never to a values file or the answers file. A re-run "
         "keeps them; --rotate-secrets makes new ones.")


@dataclass(frozen=True)
class SecretStatus:
    """One credential as a front end lists it."""

    id: str
    purpose: str
    source: str
    """"typed", "kept", "generated" or "unknown" (no output folder known: generated unless secrets/ has it)."""
    value: str | None
    """The value (typed or kept), None when it is generated when the files are written."""

    def text(self, *, reveal: bool = False) -> str:
        """How the value shows: masked (its length only) unless `reveal`."""
        shown = "" if self.value is None else (self.value if reveal else mask(self.value))
        if self.source == "typed":
            return f"typed: {shown}"
        if self.source == "kept":
            return f"kept: {shown}"
        if self.source == "generated":
            return "to be generated"
        return "generated, or kept from secrets/"


def statuses(plan: Plan, typed: Mapping[str, str], existing: Mapping[str, str] | None) -> list[SecretStatus]:
    """Every credential the Plan needs, in `credentials.needed` order. `typed`: passwords given now (id -> value);
    `existing`: what the output folder's secrets/ holds (None: the folder is not known)."""
    found = []
    for credential in needed(plan):
        if credential.id in typed:
            found.append(SecretStatus(credential.id, credential.purpose, "typed", typed[credential.id]))
        elif existing is not None and credential.id in existing:
            found.append(SecretStatus(credential.id, credential.purpose, "kept", existing[credential.id]))
        else:
            found.append(SecretStatus(credential.id, credential.purpose, "generated" if existing is not None
                                      else "unknown", None))
    return found


def lines(plan: Plan, typed: Mapping[str, str], existing: Mapping[str, str] | None, *, reveal: bool = False,
          refused: Collection[str] = ()) -> list[str]:
    """Two lines per credential: its purpose, then where its value comes from (indented, short enough for the
    TUI's narrow column): typed now, kept from secrets/, or to be generated; `refused` ids (a typed password the
    backend would refuse) say so instead of showing it."""
    found = []
    for status in statuses(plan, typed, existing):
        found.append(status.purpose)
        if status.id in refused:
            found.append("  typed: refused (reasons above)")
        else:
            found.append(f"  {status.text(reveal=reveal)}")
    return found
