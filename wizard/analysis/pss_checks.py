"""The Pod Security Standards checks, one function per check (the registry in `pss` says which applies at which
policy version).

Each check reads a `PodView` (the pod spec walked once) and returns None (allowed) or a (reason, detail) pair worded
exactly as the PodSecurity admission controller words it, so an operator can match our output to `kubectl` warnings.
Facts from /work/shared/reference/k8s/PSS_NETPOL_FACTS.md §1; values are matched exactly, as upstream does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

Finding = tuple[str, str]  # (reason, detail)
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_CONTAINER_KEYS = ("initContainers", "containers", "ephemeralContainers")  # the admission controller's visit order


def _d(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one: manifests can say `securityContext: null`."""
    return value if isinstance(value, dict) else _EMPTY


def _l(value: Any) -> list[Any] | tuple[()]:
    return value if isinstance(value, list) else ()


def _s(value: Any) -> str:
    """A string field as Go sees it: unset is ""."""
    return "" if value is None else value if isinstance(value, str) else str(value)


def _quote(items: Iterable[str]) -> str:
    return '"' + '", "'.join(items) + '"'


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _containers(names: list[str]) -> str:
    return f'{_plural("container", "containers", len(names))} {_quote(names)}'


def _go_quote(text: str) -> str:
    """Go's %q for the printable strings found in annotations."""
    return json.dumps(text, ensure_ascii=False)


class PodView:
    """A pod's metadata and spec, walked once: every check reads the same pre-extracted containers."""

    __slots__ = ("annotations", "spec", "psc", "containers", "windows", "user_namespace")

    def __init__(self, metadata: Any, spec: Any) -> None:
        self.annotations = _d(_d(metadata).get("annotations"))
        self.spec = spec = _d(spec)
        self.psc = _d(spec.get("securityContext"))
        self.containers = [(_s(c.get("name")), c, _d(c.get("securityContext")))
                           for key in _CONTAINER_KEYS for c in _l(spec.get(key)) if isinstance(c, dict)]
        self.windows = _d(spec.get("os")).get("name") == "windows"
        self.user_namespace = spec.get("hostUsers") is False


Run = Callable[[PodView], "Finding | None"]


# ---- baseline checks -------------------------------------------------------------------------------------------

def host_namespaces(pod: PodView) -> Finding | None:
    used = [f"{key}=true" for key in ("hostNetwork", "hostPID", "hostIPC") if pod.spec.get(key) is True]
    return ("host namespaces", ", ".join(used)) if used else None


def privileged(pod: PodView) -> Finding | None:
    bad = [name for name, _, sc in pod.containers if sc.get("privileged") is True]
    return ("privileged", f"{_containers(bad)} must not set securityContext.privileged=true") if bad else None


_BASELINE_CAPABILITIES = frozenset({"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                                    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})


def capabilities_baseline(pod: PodView) -> Finding | None:
    bad, added = [], set()
    for name, _, sc in pod.containers:
        extra = {_s(cap) for cap in _l(_d(sc.get("capabilities")).get("add"))} - _BASELINE_CAPABILITIES
        if extra:
            bad.append(name)
            added |= extra
    if not bad:
        return None
    return ("non-default capabilities",
            f"{_containers(bad)} must not include {_quote(sorted(added))} in securityContext.capabilities.add")


def host_path_volumes(pod: PodView) -> Finding | None:
    bad = [_s(volume.get("name")) for volume in _l(pod.spec.get("volumes"))
           if isinstance(volume, dict) and volume.get("hostPath") is not None]
    return ("hostPath volumes", f'{_plural("volume", "volumes", len(bad))} {_quote(bad)}') if bad else None


def host_ports(pod: PodView) -> Finding | None:
    bad, ports = [], set()
    for name, container, _ in pod.containers:
        used = {str(p.get("hostPort")) for p in _l(container.get("ports"))
                if isinstance(p, dict) and p.get("hostPort") not in (None, 0)}
        if used:
            bad.append(name)
            ports |= used
    if not bad:
        return None
    return ("hostPort", f'{_containers(bad)} {_plural("uses", "use", len(bad))} '
                        f'{_plural("hostPort", "hostPorts", len(ports))} {", ".join(sorted(ports))}')


def _handler_hosts(handler: Any) -> list[str]:
    handler = _d(handler)
    hosts = (_s(_d(handler.get(kind)).get("host")) for kind in ("httpGet", "tcpSocket"))
    return [host for host in hosts if host]


def host_probes_and_lifecycle(pod: PodView) -> Finding | None:
    bad, hosts = set(), set()
    for name, container, _ in pod.containers:
        lifecycle = _d(container.get("lifecycle"))
        for handler in (container.get("livenessProbe"), container.get("readinessProbe"),
                        container.get("startupProbe"), lifecycle.get("postStart"), lifecycle.get("preStop")):
            found = _handler_hosts(handler) if handler else ()
            if found:
                bad.add(name)
                hosts.update(found)
    if not bad:
        return None
    return ("probe or lifecycle host", f'{_containers(sorted(bad))} {_plural("uses", "use", len(bad))} '
            f'{_plural("probe or lifecycle host", "probe or lifecycle hosts", len(hosts))} {_quote(sorted(hosts))}')


_APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _apparmor_annotation_ok(value: str) -> bool:
    return not value or value == "runtime/default" or value.startswith("localhost/")


def app_armor_profile(pod: PodView) -> Finding | None:
    setters, values = [], set()
    if "appArmorProfile" in pod.psc and _bad_apparmor_type(pod.psc, values):
        setters.append("pod")
    bad = [name for name, _, sc in pod.containers if "appArmorProfile" in sc and _bad_apparmor_type(sc, values)]
    if bad:
        setters.append(_containers(bad))
    annotations = sorted(f"{key}={_go_quote(_s(value))}" for key, value in pod.annotations.items()
                         if key.startswith(_APPARMOR_PREFIX) and not _apparmor_annotation_ok(_s(value)))
    if annotations:
        setters.append(_plural("annotation", "annotations", len(annotations)))
    if not setters:
        return None
    listed = sorted(values) + annotations
    return (_plural("forbidden AppArmor profile", "forbidden AppArmor profiles", len(listed)),
            f"{' and '.join(setters)} must not set AppArmor profile type to {_quote(listed)}")


def _bad_apparmor_type(sc: Mapping[str, Any], values: set[str]) -> bool:
    profile = sc.get("appArmorProfile")
    if profile is None:
        return False
    kind = _s(_d(profile).get("type"))
    if kind in ("RuntimeDefault", "Localhost"):
        return False
    values.add(kind)
    return True


def se_linux_options(allowed_types: frozenset[str]) -> Run:
    """The check with the SELinux types allowed at its policy version."""
    def check(pod: PodView) -> Finding | None:
        types: set[str] = set()
        flags = {"user": False, "role": False}
        setters = ["pod"] if _bad_selinux(pod.psc, allowed_types, types, flags) else []
        bad = [name for name, _, sc in pod.containers if _bad_selinux(sc, allowed_types, types, flags)]
        if bad:
            setters.append(_containers(bad))
        if not setters:
            return None
        data = [f'{_plural("type", "types", len(types))} {_quote(sorted(types))}'] if types else []
        data += [f"{field} may not be set" for field in ("user", "role") if flags[field]]
        who = " and ".join(setters)
        return "seLinuxOptions", f"{who} set forbidden securityContext.seLinuxOptions: {'; '.join(data)}"
    return check


def _bad_selinux(sc: Mapping[str, Any], allowed: frozenset[str], types: set[str], flags: dict[str, bool]) -> bool:
    options = sc.get("seLinuxOptions")
    if options is None:
        return False
    options = _d(options)
    kind, valid = _s(options.get("type")), True
    if kind not in allowed:
        types.add(kind)
        valid = False
    for field in ("user", "role"):
        if _s(options.get(field)):
            flags[field] = True
            valid = False
    return not valid


def proc_mount(pod: PodView) -> Finding | None:
    bad, kinds = [], set()
    for name, _, sc in pod.containers:
        value = sc.get("procMount")
        if value is not None and value != "Default":
            bad.append(name)
            kinds.add(_s(value))
    if not bad:
        return None
    return "procMount", f"{_containers(bad)} must not set securityContext.procMount to {_quote(sorted(kinds))}"


_SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"


def _seccomp_annotation_ok(value: str) -> bool:
    return value in ("runtime/default", "docker/default") or value.startswith("localhost/")


def seccomp_annotations(pod: PodView) -> Finding | None:
    """Before v1.19 the seccomp profile was set with alpha annotations, not fields."""
    keys = [_SECCOMP_POD_ANNOTATION] + [_SECCOMP_CONTAINER_PREFIX + name for name, _, _ in pod.containers]
    bad = {f"{key}={_go_quote(_s(pod.annotations[key]))}" for key in keys
           if key in pod.annotations and not _seccomp_annotation_ok(_s(pod.annotations[key]))}
    if not bad:
        return None
    return "seccompProfile", f'forbidden {_plural("annotation", "annotations", len(bad))} {", ".join(sorted(bad))}'


def _seccomp_type(sc: Mapping[str, Any]) -> str | None:
    """The profile type set in a securityContext ("" for an empty profile), None when unset."""
    profile = sc.get("seccompProfile")
    return None if profile is None else _s(_d(profile).get("type"))


def _seccomp_explicit(pod: PodView, values: set[str]) -> tuple[list[str], bool, list[str]]:
    """(setters of a forbidden type, pod sets an allowed type, containers setting nothing)."""
    setters, pod_type, unset, bad = [], _seccomp_type(pod.psc), [], []
    if pod_type is not None and pod_type not in ("RuntimeDefault", "Localhost"):
        setters.append("pod")
        values.add(pod_type)
    for name, _, sc in pod.containers:
        kind = _seccomp_type(sc)
        if kind is None:
            unset.append(name)
        elif kind not in ("RuntimeDefault", "Localhost"):
            bad.append(name)
            values.add(kind)
    if bad:
        setters.append(_containers(bad))
    return setters, pod_type in ("RuntimeDefault", "Localhost"), unset


def seccomp_baseline(pod: PodView) -> Finding | None:
    values: set[str] = set()
    setters, _, _ = _seccomp_explicit(pod, values)
    return _seccomp_forbidden(setters, values) if setters else None


def _seccomp_forbidden(setters: list[str], values: set[str]) -> Finding:
    return ("seccompProfile",
            f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to {_quote(sorted(values))}")


def seccomp_restricted(pod: PodView) -> Finding | None:
    values: set[str] = set()
    setters, pod_set, unset = _seccomp_explicit(pod, values)
    if setters:
        return _seccomp_forbidden(setters, values)
    if unset and not pod_set:
        return ("seccompProfile", f"pod or {_containers(unset)} must set securityContext.seccompProfile.type to "
                                  '"RuntimeDefault" or "Localhost"')
    return None


def sysctls(allowed: frozenset[str]) -> Run:
    """The check with the sysctls allowed at its policy version."""
    def check(pod: PodView) -> Finding | None:
        bad = [_s(_d(item).get("name")) for item in _l(pod.psc.get("sysctls"))]
        bad = [name for name in bad if name not in allowed]
        return ("forbidden sysctls", ", ".join(bad)) if bad else None
    return check


def windows_host_process(pod: PodView) -> Finding | None:
    setters = ["pod"] if _d(pod.psc.get("windowsOptions")).get("hostProcess") is True else []
    bad = [name for name, _, sc in pod.containers if _d(sc.get("windowsOptions")).get("hostProcess") is True]
    if bad:
        setters.append(_containers(bad))
    if not setters:
        return None
    return "hostProcess", f"{' and '.join(setters)} must not set securityContext.windowsOptions.hostProcess=true"


# ---- restricted checks -----------------------------------------------------------------------------------------

def allow_privilege_escalation(pod: PodView) -> Finding | None:
    bad = [name for name, _, sc in pod.containers if sc.get("allowPrivilegeEscalation") is not False]
    if not bad:
        return None
    return ("allowPrivilegeEscalation != false",
            f"{_containers(bad)} must set securityContext.allowPrivilegeEscalation=false")


def capabilities_restricted(pod: PodView) -> Finding | None:
    no_drop, adding, added = [], [], set()
    for name, _, sc in pod.containers:
        caps = sc.get("capabilities")
        if not isinstance(caps, dict):
            no_drop.append(name)
            continue
        if "ALL" not in _l(caps.get("drop")):
            no_drop.append(name)
        extra = {_s(cap) for cap in _l(caps.get("add")) if cap != "NET_BIND_SERVICE"}
        if extra:
            adding.append(name)
            added |= extra
    parts = [f'{_containers(no_drop)} must set securityContext.capabilities.drop=["ALL"]'] if no_drop else []
    if adding:
        parts.append(f"{_containers(adding)} must not include {_quote(sorted(added))} "
                     "in securityContext.capabilities.add")
    return ("unrestricted capabilities", "; ".join(parts)) if parts else None


# Volume sources the restricted level allows ("image" since PSA 1.33, for every policy version).
_ALLOWED_VOLUMES = ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
                    "projected", "secret")
# The restricted types the admission controller names, in the order it tests them; anything else is "unknown".
_NAMED_VOLUMES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs",
                  "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte",
                  "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos")


def _volume_type(volume: Mapping[str, Any]) -> str | None:
    """The restricted type a volume uses, None when allowed. A volume with no source at all is allowed: the API
    server defaults it to emptyDir before admission sees it."""
    if any(volume.get(key) is not None for key in _ALLOWED_VOLUMES):
        return None
    for key in _NAMED_VOLUMES:
        if volume.get(key) is not None:
            return key
    sources = [key for key, value in volume.items() if key != "name" and value is not None]
    return "unknown" if sources else None


def restricted_volumes(pod: PodView) -> Finding | None:
    bad, kinds = [], set()
    for volume in _l(pod.spec.get("volumes")):
        kind = _volume_type(volume) if isinstance(volume, dict) else None
        if kind:
            bad.append(_s(volume.get("name")))
            kinds.add(kind)
    if not bad:
        return None
    return ("restricted volume types", f'{_plural("volume", "volumes", len(bad))} {_quote(bad)} '
            f'{_plural("uses", "use", len(bad))} '
            f'{_plural("restricted volume type", "restricted volume types", len(kinds))} {_quote(sorted(kinds))}')


def run_as_non_root(pod: PodView) -> Finding | None:
    pod_value = pod.psc.get("runAsNonRoot")
    setters = ["pod"] if pod_value is False else []
    explicit = [name for name, _, sc in pod.containers if sc.get("runAsNonRoot") is False]
    if explicit:
        setters.append(_containers(explicit))
    if setters:
        return ("runAsNonRoot != true",
                f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false")
    implicit = [] if pod_value is True else [name for name, _, sc in pod.containers if sc.get("runAsNonRoot") is None]
    if not implicit:
        return None
    return "runAsNonRoot != true", f"pod or {_containers(implicit)} must set securityContext.runAsNonRoot=true"


def _is_zero(value: Any) -> bool:
    return value == 0 and not isinstance(value, bool)


def run_as_user(pod: PodView) -> Finding | None:
    setters = ["pod"] if _is_zero(pod.psc.get("runAsUser")) else []
    bad = [name for name, _, sc in pod.containers if _is_zero(sc.get("runAsUser"))]
    if bad:
        setters.append(_containers(bad))
    return ("runAsUser=0", f"{' and '.join(setters)} must not set runAsUser=0") if setters else None
