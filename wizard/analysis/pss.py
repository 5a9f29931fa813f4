"""Pod Security Standards: what the PodSecurity admission controller would say about a pod or workload, offline.

Mirrors the upstream evaluator (k8s.io/pod-security-admission) so the wizard can tell an operator, before
`helm install`, which pods a namespace labelled `pod-security.kubernetes.io/enforce=<level>` would reject, with the
same wording kubectl shows. The checks are in `pss_checks`; this module keeps the registry of which implementation
applies from which policy version (PSS_NETPOL_FACTS.md §1.1-1.3), picks the checks for a (level, version), runs them
in the controller's order and formats the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from wizard.analysis import pss_checks as c
from wizard.analysis.manifests import pod_metadata, pod_spec
from wizard.analysis.pss_checks import Finding, PodView, Run

# ---- version variants --------------------------------------------------------------------------------------------

def _unless_windows(check: Run) -> Run:
    """From v1.25 the Linux-only restricted checks skip pods with spec.os.name=windows."""
    def run(pod: PodView) -> Finding | None:
        return None if pod.windows else check(pod)
    return run


def _unless_user_namespace(check: Run) -> Run:
    """From v1.35 some checks relax for pods in their own user namespace (spec.hostUsers=false)."""
    def run(pod: PodView) -> Finding | None:
        return None if pod.user_namespace else check(pod)
    return run


_SELINUX_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
_SYSCTLS_1_0 = frozenset({"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                          "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"})
_SYSCTLS_1_27 = _SYSCTLS_1_0 | {"net.ipv4.ip_local_reserved_ports"}
_SYSCTLS_1_29 = _SYSCTLS_1_27 | {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                                 "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}
_SYSCTLS_1_32 = _SYSCTLS_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
_SYSCTLS_1_37 = _SYSCTLS_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}


@dataclass(frozen=True)
class Impl:
    """One implementation of a check: applies from policy version 1.`minimum` until the next one."""

    minimum: int
    run: Run
    overrides: tuple[str, ...] = ()


# check ID -> (level, implementations from oldest to newest)
CHECKS: dict[str, tuple[str, tuple[Impl, ...]]] = {
    "appArmorProfile": ("baseline", (Impl(0, c.app_armor_profile),)),
    "capabilities_baseline": ("baseline", (Impl(0, c.capabilities_baseline),)),
    "hostNamespaces": ("baseline", (Impl(0, c.host_namespaces),)),
    "hostPathVolumes": ("baseline", (Impl(0, c.host_path_volumes),)),
    "hostPorts": ("baseline", (Impl(0, c.host_ports),)),
    "hostProbesAndHostLifecycle": ("baseline", (Impl(34, c.host_probes_and_lifecycle),)),
    "privileged": ("baseline", (Impl(0, c.privileged),)),
    "procMount": ("baseline", (Impl(0, c.proc_mount), Impl(35, _unless_user_namespace(c.proc_mount)))),
    "seLinuxOptions": ("baseline", (Impl(0, c.se_linux_options(_SELINUX_1_0)),
                                    Impl(31, c.se_linux_options(_SELINUX_1_0 | {"container_engine_t"})))),
    "seccompProfile_baseline": ("baseline", (Impl(0, c.seccomp_annotations), Impl(19, c.seccomp_baseline))),
    "sysctls": ("baseline", (Impl(0, c.sysctls(_SYSCTLS_1_0)), Impl(27, c.sysctls(_SYSCTLS_1_27)),
                             Impl(29, c.sysctls(_SYSCTLS_1_29)), Impl(32, c.sysctls(_SYSCTLS_1_32)),
                             Impl(37, c.sysctls(_SYSCTLS_1_37)))),
    "windowsHostProcess": ("baseline", (Impl(0, c.windows_host_process),)),
    "allowPrivilegeEscalation": ("restricted", (Impl(8, c.allow_privilege_escalation),
                                                Impl(25, _unless_windows(c.allow_privilege_escalation)))),
    "capabilities_restricted": ("restricted", (
        Impl(22, c.capabilities_restricted, ("capabilities_baseline",)),
        Impl(25, _unless_windows(c.capabilities_restricted), ("capabilities_baseline",)))),
    "procMount_restricted": ("restricted", (Impl(35, c.proc_mount, ("procMount",)),)),
    "restrictedVolumes": ("restricted", (Impl(0, c.restricted_volumes, ("hostPathVolumes",)),)),
    "runAsNonRoot": ("restricted", (Impl(0, c.run_as_non_root), Impl(35, _unless_user_namespace(c.run_as_non_root)))),
    "runAsUser": ("restricted", (Impl(23, c.run_as_user), Impl(35, _unless_user_namespace(c.run_as_user)))),
    "seccompProfile_restricted": ("restricted", (
        Impl(19, c.seccomp_restricted, ("seccompProfile_baseline",)),
        Impl(25, _unless_windows(c.seccomp_restricted), ("seccompProfile_baseline",)))),
}
NEWEST_MINOR = max(impl.minimum for _, impls in CHECKS.values() for impl in impls)

LEVELS = ("privileged", "baseline", "restricted")
# The newest policy version implemented; "latest" and newer versions are evaluated as this one, as the admission
# controller clamps them to the newest version it knows.
LATEST: tuple[int, int] = (1, NEWEST_MINOR)
_VERSION = re.compile(r"v?1\.(0|[1-9][0-9]{0,3})")


@dataclass(frozen=True)
class Violation:
    """One failed check: `check` is the check ID, `reason` and `detail` the admission controller's words."""

    check: str
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


def parse_version(text: str) -> tuple[int, int]:
    """A policy version as namespaces label it ("latest", "v1.30") or as people write it ("1.30").

    Not clamped: `clamp` (and `evaluate`) maps versions newer than LATEST to LATEST.
    """
    value = str(text).strip()
    if value == "latest":
        return LATEST
    match = _VERSION.fullmatch(value)
    if not match:
        raise ValueError(f"invalid Kubernetes policy version {text!r}: give latest, 1.N or v1.N "
                         f"(e.g. 1.{LATEST[1]} or v1.{LATEST[1]})")
    return 1, int(match.group(1))


def clamp(version: tuple[int, int]) -> tuple[int, int]:
    """The version actually evaluated: newer than the newest known rules means those rules."""
    return min(tuple(version), LATEST)  # type: ignore[return-value]


def format_version(version: tuple[int, int]) -> str:
    return f"v{version[0]}.{version[1]}"


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"invalid Pod Security level {level!r}: give one of {', '.join(LEVELS)}")
    return level


@lru_cache(maxsize=None)
def checks_for(level: str, version: tuple[int, int]) -> tuple[tuple[str, Run], ...]:
    """The (check ID, implementation) pairs run at this level and version, in the controller's order: baseline IDs
    sorted, then restricted IDs sorted; restricted drops the baseline checks its own checks override."""
    if _check_level(level) == "privileged":
        return ()
    chosen = {check_id: (check_level, _impl_at(impls, clamp(version)[1]))
              for check_id, (check_level, impls) in CHECKS.items()}
    chosen = {key: value for key, value in chosen.items() if value[1] is not None}
    wanted = ("baseline",) if level == "baseline" else ("baseline", "restricted")
    overridden = {key for check_level, impl in chosen.values() if check_level in wanted for key in impl.overrides}
    order = sorted(k for k, (lv, _) in chosen.items() if lv == "baseline" and k not in overridden)
    if level == "restricted":
        order += sorted(k for k, (lv, _) in chosen.items() if lv == "restricted")
    return tuple((key, chosen[key][1].run) for key in order)


def _impl_at(impls: tuple[Impl, ...], minor: int) -> Impl | None:
    """The newest implementation whose minimum version is at most `minor`."""
    found = None
    for impl in impls:
        if impl.minimum <= minor:
            found = impl
    return found


def _run(view: PodView, checks: tuple[tuple[str, Run], ...]) -> list[Violation]:
    found = []
    for check_id, run in checks:
        result = run(view)
        if result is not None:
            found.append(Violation(check_id, result[0], result[1]))
    return found


def _view(pod: Any) -> PodView:
    pod = pod if isinstance(pod, dict) else {}
    return PodView(pod.get("metadata"), pod.get("spec"))


def evaluate(pod: dict[str, Any], level: str, version: tuple[int, int] = LATEST) -> list[Violation]:
    """The violations of a pod object ({"metadata": ..., "spec": ...}) at `level`; [] means admitted."""
    checks = checks_for(level, tuple(version))
    return _run(_view(pod), checks) if checks else []


def evaluate_levels(pod: dict[str, Any], version: tuple[int, int] = LATEST) -> dict[str, list[Violation]]:
    """The violations at baseline and at restricted, as `evaluate` gives them, walking the pod once and running
    each check once (restricted repeats most baseline checks; a report asks for both levels of every pod)."""
    view, version = _view(pod), tuple(version)
    results: dict[str, Violation | None] = {}
    found: dict[str, list[Violation]] = {}
    for level in ("baseline", "restricted"):
        found[level] = []
        for check_id, run in checks_for(level, version):
            if check_id not in results:
                result = run(view)
                results[check_id] = None if result is None else Violation(check_id, result[0], result[1])
            if results[check_id] is not None:
                found[level].append(results[check_id])  # type: ignore[arg-type]
    return found


def evaluate_object(obj: dict[str, Any], level: str, version: tuple[int, int] = LATEST) -> list[Violation] | None:
    """The violations of a Pod or workload's pod template; None for objects without a pod template."""
    spec = pod_spec(obj) if isinstance(obj, dict) else None
    if spec is None:
        return None
    return evaluate({"metadata": pod_metadata(obj), "spec": spec}, level, version)


def message(violations: list[Violation], level: str, version: tuple[int, int] = LATEST) -> str:
    """The admission controller's text. The version always prints as `v1.N` (the version evaluated, after
    clamping), never `latest`: "latest" means different rules on different clusters."""
    joined = ", ".join(str(violation) for violation in violations)
    return f'violates PodSecurity "{level}:{format_version(clamp(version))}": {joined}'


def highest_level(pod: dict[str, Any], version: tuple[int, int] = LATEST) -> str:
    """The strictest level the pod passes: restricted, baseline or privileged (which always passes)."""
    view = _view(pod)
    version = tuple(version)
    if not _run(view, checks_for("restricted", version)):
        return "restricted"
    return "baseline" if not _run(view, checks_for("baseline", version)) else "privileged"
