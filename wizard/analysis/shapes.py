"""The shape of every manifest field the analysis reads, checked in one place before any analysis runs.

A manifest says `containers: x`, `securityContext: 5` or `volumeClaimTemplates: [a]`: the API server refuses such an
object (so `helm install` fails), and the analysis cannot say anything true about it. `problems(obj)` lists every
field of `SCHEMAS` that has the wrong type, with its path and the type Kubernetes expects. Rendered manifests given
to a command (`manifests.read_manifests`) are refused on the first one (exit 2), so `wizard pss`, `wizard netpol`
and `wizard explain --manifests` treat the same file the same way; objects the embedded chart models render from
someone's values (`manifests.from_render`: explain, bundle, diff, images, the TUI's panel) are analysed without
the malformed fields (`well_formed`) and the report says, as a danger finding, that the API server will refuse
them. Either way no analysis meets a field of the wrong type. Fields the analysis does not read are not checked.

A null field is the same as an absent one, as in the API. Types follow the Kubernetes API: strings are strings (a
label value `true` is refused), integers are integers (not `true`, not `"1000"`), ports are numbers or names.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Steps = tuple[Any, ...]


@dataclass(frozen=True)
class Malformed:
    """One field of the wrong type: `steps` are the keys and list indexes that lead to it."""

    steps: Steps
    expected: str
    found: str

    @property
    def path(self) -> str:
        """`spec.containers[0].securityContext`, `metadata.labels["app.kubernetes.io/name"]`."""
        text = ""
        for step in self.steps:
            if isinstance(step, int) and not isinstance(step, bool):
                text += f"[{step}]"
            elif isinstance(step, str) and step.isidentifier():
                text += f".{step}" if text else step
            else:
                from wizard.core.shown import shown

                text += f'["{shown(step, 20)}"]'
        return text

    def __str__(self) -> str:
        return f"{self.path} is {self.found}; Kubernetes expects {self.expected}"


class _Node:
    what = ""

    def ok(self, value: Any) -> bool:
        """Quick answer for the usual well-formed object: no paths built."""
        raise NotImplementedError

    def check(self, value: Any, path: Steps, out: list[Malformed]) -> None:
        raise NotImplementedError


class _Scalar(_Node):
    def __init__(self, what: str, *types: type) -> None:
        self.what, self.types = what, types
        self.exact = frozenset(types) - {int}

    def ok(self, value: Any) -> bool:
        kind = value.__class__
        if kind is int:
            return int in self.types and value >= 0
        return kind in self.exact or kind is not bool and isinstance(value, self.types) and self.check_value(value)

    def check_value(self, value: Any) -> bool:
        out: list[Malformed] = []
        self.check(value, (), out)
        return not out

    def check(self, value: Any, path: Steps, out: list[Malformed]) -> None:
        if isinstance(value, bool) and bool not in self.types or not isinstance(value, self.types):
            out.append(Malformed(path, self.what, _found(value)))
        elif isinstance(value, int) and not isinstance(value, bool) and value < 0:
            out.append(Malformed(path, f"{self.what} from 0", _found(value)))


class _Map(_Node):
    """A map whose listed fields have these shapes; other fields are not read, so not checked."""

    def __init__(self, what: str, **fields: _Node) -> None:
        self.what, self.fields = what, fields
        self._items = tuple(fields.items())

    def ok(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        if len(value) < len(self._items):  # walk the shorter of the two: most maps set few of the fields read
            fields = self.fields
            for key, item in value.items():
                node = fields.get(key)
                if node is not None and item is not None and not node.ok(item):
                    return False
            return True
        for key, node in self._items:
            item = value.get(key)
            if item is not None and not node.ok(item):
                return False
        return True

    def check(self, value: Any, path: Steps, out: list[Malformed]) -> None:
        if not isinstance(value, dict):
            out.append(Malformed(path, self.what, _found(value)))
            return
        for key, node in self.fields.items():
            item = value.get(key)
            if item is not None:
                node.check(item, (*path, key), out)


class _MapOf(_Node):
    """A map of string keys to values of one shape (labels, annotations, ConfigMap data); a null value is ""."""

    def __init__(self, what: str, value: _Node) -> None:
        self.what, self.value = what, value

    def ok(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        if self.value is STR and all(key.__class__ is str and (item is None or item.__class__ is str)
                                     for key, item in value.items()):
            return True  # labels and annotations, checked without a call per value
        check = self.value.ok
        return all(isinstance(key, str) and (item is None or check(item)) for key, item in value.items())

    def check(self, value: Any, path: Steps, out: list[Malformed]) -> None:
        if not isinstance(value, dict):
            out.append(Malformed(path, self.what, _found(value)))
            return
        for key, item in value.items():
            if not isinstance(key, str):
                out.append(Malformed((*path, key), "string keys (quote it)", f"a key that is not a string "
                                                                              f"({_found(key)})"))
            elif item is not None:
                self.value.check(item, (*path, key), out)


class _ListOf(_Node):
    """A list of items of one shape; a null item is refused, as the API server refuses an empty container or claim."""

    def __init__(self, what: str, item: _Node) -> None:
        self.what, self.item = what, item

    def ok(self, value: Any) -> bool:
        if not isinstance(value, list):
            return False
        check = self.item.ok
        return all(item is not None and check(item) for item in value)

    def check(self, value: Any, path: Steps, out: list[Malformed]) -> None:
        if not isinstance(value, list):
            out.append(Malformed(path, self.what, _found(value)))
            return
        for index, item in enumerate(value):
            if item is None:
                out.append(Malformed((*path, index), self.item.what, "null"))
            else:
                self.item.check(item, (*path, index), out)


def _found(value: Any) -> str:
    """What a value is, for a message: `a string ("x")`, `the number 5`, `a list`, `a map`, `true`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        from wizard.core.shown import shown

        return f'a string ("{shown(value, 20)}")'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    return "null" if value is None else f"a {type(value).__name__}"


STR = _Scalar("a string", str)
BOOL = _Scalar("true or false", bool)
INT = _Scalar("an integer", int)
NUMBER_OR_NAME = _Scalar("a number or a name", int, str)
QUANTITY = _Scalar("a quantity such as 10Gi", str, int, float)
STRINGS = _ListOf("a list of strings", STR)
META = _Map("a map (name, namespace, labels, annotations)", name=STR, namespace=STR,
            labels=_MapOf("a map of label to string", STR), annotations=_MapOf("a map of annotation to string", STR))

_HANDLER = _Map("a map (httpGet, tcpSocket, exec ...)", httpGet=_Map("a map (host, port, path)", host=STR),
                tcpSocket=_Map("a map (host, port)", host=STR))
_PROFILE = {"type": STR, "localhostProfile": STR}
_COMMON_CONTEXT = {
    "runAsUser": INT, "runAsGroup": INT, "runAsNonRoot": BOOL,
    "seLinuxOptions": _Map("a map (type, user, role, level)", type=STR, user=STR, role=STR, level=STR),
    "seccompProfile": _Map("a map (type, localhostProfile)", **_PROFILE),
    "appArmorProfile": _Map("a map (type, localhostProfile)", **_PROFILE),
    "windowsOptions": _Map("a map (hostProcess ...)", hostProcess=BOOL),
}
_CONTAINER_CONTEXT = _Map(
    "a map (runAsUser, capabilities ...)", **_COMMON_CONTEXT, privileged=BOOL, allowPrivilegeEscalation=BOOL,
    procMount=STR, capabilities=_Map("a map (add, drop)", add=STRINGS, drop=STRINGS))
_POD_CONTEXT = _Map("a map (runAsUser, fsGroup, sysctls ...)", **_COMMON_CONTEXT, fsGroup=INT,
                    sysctls=_ListOf("a list of sysctls", _Map("a map (name, value)", name=STR, value=STR)))
_CONTAINER = _Map(
    "a map (one container: name, image ...)", name=STR, image=STR, restartPolicy=STR,
    securityContext=_CONTAINER_CONTEXT,
    ports=_ListOf("a list of ports", _Map("a map (containerPort, name, protocol ...)", containerPort=INT,
                                          hostPort=INT, name=STR, protocol=STR)),
    livenessProbe=_HANDLER, readinessProbe=_HANDLER, startupProbe=_HANDLER,
    lifecycle=_Map("a map (postStart, preStop)", postStart=_HANDLER, preStop=_HANDLER))
_CONTAINERS = _ListOf("a list of containers", _CONTAINER)
CLAIM_SPEC = _Map("a map (resources, storageClassName, accessModes ...)",
                  resources=_Map("a map (requests ...)", requests=_MapOf("a map of resource to quantity", QUANTITY)),
                  storageClassName=STR, accessModes=STRINGS)
_CLAIM_TEMPLATE = _Map("a map (metadata, spec)", metadata=META, spec=CLAIM_SPEC)
_VOLUME = _Map("a map (one volume: name and its source)", name=STR,
               persistentVolumeClaim=_Map("a map (claimName ...)", claimName=STR),
               ephemeral=_Map("a map (volumeClaimTemplate)", volumeClaimTemplate=_CLAIM_TEMPLATE))
POD_SPEC = _Map("a map (containers, volumes, securityContext ...)",
                containers=_CONTAINERS, initContainers=_CONTAINERS, ephemeralContainers=_CONTAINERS,
                securityContext=_POD_CONTEXT, volumes=_ListOf("a list of volumes", _VOLUME),
                os=_Map("a map (name)", name=STR), hostNetwork=BOOL, hostPID=BOOL, hostIPC=BOOL, hostUsers=BOOL,
                serviceAccountName=STR, serviceAccount=STR)
_TEMPLATE = _Map("a map (metadata, spec)", metadata=META, spec=POD_SPEC)
_WITH_TEMPLATE = _Map("a map (template ...)", template=_TEMPLATE)

# What each kind adds to `kind` and `metadata`, which every object has.
SCHEMAS: dict[str, Mapping[str, _Node]] = {
    "Pod": {"spec": POD_SPEC, "status": _Map("a map (podIP ...)", podIP=STR)},
    "Deployment": {"spec": _WITH_TEMPLATE},
    "DaemonSet": {"spec": _WITH_TEMPLATE},
    "ReplicaSet": {"spec": _WITH_TEMPLATE},
    "ReplicationController": {"spec": _WITH_TEMPLATE},
    "Job": {"spec": _WITH_TEMPLATE},
    "StatefulSet": {"spec": _Map("a map (template, replicas, volumeClaimTemplates ...)", template=_TEMPLATE,
                                 replicas=INT,
                                 volumeClaimTemplates=_ListOf("a list of claim templates", _CLAIM_TEMPLATE))},
    "CronJob": {"spec": _Map("a map (jobTemplate ...)",
                             jobTemplate=_Map("a map (metadata, spec)", metadata=META, spec=_WITH_TEMPLATE))},
    "PodTemplate": {"template": _TEMPLATE},
    "PersistentVolumeClaim": {"spec": CLAIM_SPEC},
    "ConfigMap": {"data": _MapOf("a map of key to string", STR)},
}
_TOP = {"kind": STR, "metadata": META}


_FIELDS = {kind: (*_TOP.items(), *fields.items()) for kind, fields in SCHEMAS.items()}
_OTHER = tuple(_TOP.items())


def problems(obj: Mapping[str, Any]) -> list[Malformed]:
    """Every field the analysis reads that has the wrong type, in document order."""
    kind = obj.get("kind")
    fields = _FIELDS.get(kind, _OTHER) if isinstance(kind, str) else _OTHER
    for key, node in fields:
        value = obj.get(key)
        if value is not None and not node.ok(value):
            break
    else:
        return []
    out: list[Malformed] = []
    for key, node in fields:
        value = obj.get(key)
        if value is not None:
            node.check(value, (key,), out)
    return out


def well_formed(obj: dict[str, Any]) -> tuple[dict[str, Any], list[Malformed]]:
    """`obj` without its malformed fields (a copy; `obj` itself when it has none), and those fields. A malformed list
    item is taken out of its list; a malformed key out of its map."""
    found = problems(obj)
    if not found:
        return obj, found
    pruned = copy.deepcopy(obj)
    for problem in reversed(found):  # later list items first, so the earlier indexes stay right
        node: Any = pruned
        for step in problem.steps[:-1]:
            node = node[step]
        del node[problem.steps[-1]]
    return pruned, found
