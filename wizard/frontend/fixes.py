"""Quick fixes the review offers: findings and notes whose honest remedy is one field set to one value, so that the
wizard can make the change itself. The operator then lands on that field, the new value set, and sees what it does
(the panel recomputes as after any edit); nothing is written until they say so.

Plain data. A finding is matched by its values key (a shell pattern) and words of its message, a note by its field (a
shell pattern) and the start of its message. A fix that would leave the answers as they are is not offered (closing
storage that is already closed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from wizard.frontend.draft import Draft, edit
from wizard.planning.declare import declaration
from wizard.planning.rules import Note
from wizard.reporting.report import Finding


@dataclass(frozen=True)
class Fix:
    field: str
    """The Plan field set; empty in the tables below: the note's own field."""
    value: str
    """The text set, as typed in the field ("" clears it, [] empties a list)."""
    does: str
    """What the quick-fix key says (`f: turn the image builder off`); {label} is the field's label."""


_CLOSE = Fix("features.close_storage", "true", "close the storage pods to outsiders")

FINDING_FIXES: tuple[tuple[str, str, Fix], ...] = (
    # Every finding about the Kaniko build pods (root, baseline, not isolated) goes with the builder.
    ("builder.enabled", "", Fix("features.builder", "false",
                                "turn the image builder off (another backend of the network must then build)")),
    # The add-cert init container is what runs as root with a private CA.
    ("privateCa.enabled", "add-cert", Fix("features.private_ca", "false",
                                          "turn the private CA off (trust the CA another way)")),
    # Storage pods open to the internet or free to connect anywhere: the subcharts' own policies close them.
    ("*.networkPolicy.allowExternal", "accepts connections", _CLOSE),
    ("*.networkPolicy.allowExternalEgress", "may open connections to any address;", _CLOSE),
    # LocalStack runs as its image's user at Pod Security baseline; MinIO runs restricted.
    ("localstack.enabled", "", Fix("features.object_store", "minio", "use MinIO (LocalStack is for development)")),
)

NOTE_FIXES: tuple[tuple[str, str, Fix], ...] = (
    ("features.kaniko_cached_images", "not written", Fix("", "[]", "empty the list ({label})")),
    ("scale.builder_replicas", "has no effect", Fix("", "1", "set {label} back to 1")),
    ("features.private_ca", "is off", Fix("", "true", "turn the private CA on")),
    ("orchestrator.ca_secret", "has no effect", Fix("", "", "clear {label}")),
    ("orchestrator.same_cluster", "is false although", Fix("", "", "clear {label} (automatic: true here)")),
    ("ingress.cluster_issuer", "has no effect", Fix("", "", "clear {label}")),
    ("storage.*.storage_class", "not written", Fix("", "", "clear {label}")),
)


def for_finding(finding: Finding, draft: Draft) -> Fix | None:
    """The quick fix of a finding of the report, if it has one that changes the answers."""
    key = finding.values_key or ""
    for pattern, words, fix in FINDING_FIXES:
        if key and fnmatchcase(key, pattern) and words in finding.message:
            return _offered(fix, fix.field, draft)
    return None


def for_note(note: Note, draft: Draft) -> Fix | None:
    """The quick fix of a note of the rules (rules.notes), if it has one that changes the answers."""
    for pattern, start, fix in NOTE_FIXES:
        if fnmatchcase(note.path, pattern) and note.message.startswith(start):
            return _offered(fix, fix.field or note.path, draft)
    return None


def _offered(fix: Fix, field: str, draft: Draft) -> Fix | None:
    if edit(draft, field, fix.value).data == draft.data:
        return None  # already so: nothing for the key to do
    return replace(fix, field=field, does=fix.does.format(label=declaration(field).label))
