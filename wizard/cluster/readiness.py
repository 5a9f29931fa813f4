"""Is a workload ready, and if not, why, in plain words. Pure functions over the API's JSON (a workload, its pods,
the namespace's claims and events), so the install's progress and its diagnoses are tested on recorded answers.

States, in the order a pod goes through them: waiting (no pod yet), claim-pending, scheduling, pulling (images or
volumes being set up), starting (containers running, not ready), ready. A problem is fatal when waiting longer will
not help: Pod Security rejected the pods, an image cannot be pulled, a container keeps crashing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

STATES = ("waiting", "claim-pending", "scheduling", "pulling", "starting", "ready")
CRASH_RESTARTS = 3
"""A container that restarted this often in CrashLoopBackOff will not heal by waiting."""
PULL_ERRORS = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")


@dataclass(frozen=True)
class Problem:
    """Why a workload is not ready. `fatal`: waiting will not fix it. `pod`/`container`: where to read logs."""

    text: str
    fatal: bool = False
    pod: str | None = None
    container: str | None = None


@dataclass(frozen=True)
class Assessment:
    workload: str
    """Kind/name, e.g. StatefulSet/backend-postgresql."""
    state: str
    ready: bool
    detail: str = ""
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.get("metadata") or {}


def label(obj: dict[str, Any], kind: str | None = None) -> str:
    return f"{kind or obj.get('kind', '?')}/{_meta(obj).get('name', '?')}"


def selector(workload: dict[str, Any]) -> str:
    """The workload's pod selector as a label selector string (matchLabels only, which the charts use)."""
    labels = ((workload.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def workload_ready(kind: str, workload: dict[str, Any]) -> tuple[bool, str]:
    """Whether the controller reports the workload ready, and its count as kubectl shows it (e.g. 1/2)."""
    spec, status = workload.get("spec") or {}, workload.get("status") or {}
    if kind == "Job":
        done = int(status.get("succeeded") or 0)
        return done >= int(spec.get("completions") or 1), f"{done} succeeded"
    if kind == "DaemonSet":
        want, ready = int(status.get("desiredNumberScheduled") or 0), int(status.get("numberReady") or 0)
        return ready >= want, f"{ready}/{want}"
    want = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
    ready = int(status.get("readyReplicas") or 0)
    fresh = int(status.get("observedGeneration") or 0) >= int(_meta(workload).get("generation") or 0)
    updated = int(status.get("updatedReplicas") or 0) >= want if kind == "Deployment" else True
    return fresh and updated and ready >= want, f"{ready}/{want}"


def assess(kind: str, workload: dict[str, Any] | None, pods: Sequence[dict[str, Any]],
           claims: Sequence[dict[str, Any]], events: Sequence[dict[str, Any]], name: str = "") -> Assessment:
    """Where the workload stands, and every problem the pods, claims and events show."""
    title = f"{kind}/{name or _meta(workload or {}).get('name', '?')}"
    if workload is None:
        return Assessment(title, "waiting", False, "not created yet")
    ready, count = workload_ready(kind, workload)
    problems = list(_rejections(kind, _meta(workload).get("name", ""), events))
    states = []
    for pod in pods:
        state, found = _pod(pod, claims, events)
        states.append(state)
        problems += found
    if ready:
        return Assessment(title, "ready", True, count)
    state = min(states, key=STATES.index) if states else "waiting"
    return Assessment(title, state, False, count, tuple(dict.fromkeys(problems)))


def _rejections(kind: str, name: str, events: Sequence[dict[str, Any]]) -> list[Problem]:
    """FailedCreate events of the workload (or of its ReplicaSets): the pods were refused, e.g. by Pod Security."""
    found = []
    for event in events:
        involved = event.get("involvedObject") or {}
        owner_name = str(involved.get("name", ""))
        mine = owner_name == name or (kind == "Deployment" and involved.get("kind") == "ReplicaSet"
                                       and owner_name.startswith(f"{name}-"))
        if not mine or event.get("reason") != "FailedCreate":
            continue
        message = str(event.get("message", ""))
        if "violates PodSecurity" in message:
            level = message.split('violates PodSecurity "', 1)[1].split('"', 1)[0]
            checks = message.split('":', 1)[1].strip() if '":' in message else message
            found.append(Problem(f"Pod Security ({level}) rejected the pods of {kind}/{name}: {checks}. The "
                                 "namespace's pod-security.kubernetes.io/enforce label is stricter than these pods "
                                 "allow.", fatal=True))
        else:
            found.append(Problem(f"{kind}/{name} could not create its pods: {message}", fatal="forbidden" in message))
    return found


def _pod(pod: dict[str, Any], claims: Sequence[dict[str, Any]], events: Sequence[dict[str, Any]]
         ) -> tuple[str, list[Problem]]:
    name = _meta(pod).get("name", "?")
    status = pod.get("status") or {}
    conditions = {c.get("type"): c for c in status.get("conditions") or ()}
    if (conditions.get("Ready") or {}).get("status") == "True":
        return "ready", []
    pending_claims = _pending_claims(pod, claims)
    if pending_claims:
        return "claim-pending", [_claim_problem(claim, events) for claim in pending_claims]
    scheduled = conditions.get("PodScheduled") or {}
    if scheduled.get("status") != "True":
        if scheduled.get("reason") == "Unschedulable":
            return "scheduling", [Problem(f"pod {name} cannot be placed on a node: {scheduled.get('message', '')}",
                                          pod=name)]
        return "scheduling", []
    problems, state = [], "starting"
    for container in [*(status.get("initContainerStatuses") or ()), *(status.get("containerStatuses") or ())]:
        waiting = (container.get("state") or {}).get("waiting") or {}
        reason, cname = waiting.get("reason", ""), container.get("name", "?")
        if reason in PULL_ERRORS:
            problems.append(Problem(f"pod {name} cannot pull the image {container.get('image', '?')} of container "
                                    f"{cname} ({reason}): {waiting.get('message', 'no message')}. Check the image "
                                    "name and tag, that the nodes can reach the registry, and its pull secret.",
                                    fatal=reason != "ErrImagePull", pod=name, container=cname))
        elif reason == "CrashLoopBackOff":
            restarts = int(container.get("restartCount") or 0)
            problems.append(Problem(f"container {cname} of pod {name} keeps crashing (CrashLoopBackOff, {restarts} "
                                    "restarts)", fatal=restarts >= CRASH_RESTARTS, pod=name, container=cname))
        elif reason in ("ContainerCreating", "PodInitializing"):
            state = "pulling"
    return state, problems


def _pending_claims(pod: dict[str, Any], claims: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = {(v.get("persistentVolumeClaim") or {}).get("claimName")
              for v in (pod.get("spec") or {}).get("volumes") or ()} - {None}
    return [c for c in claims if _meta(c).get("name") in wanted and (c.get("status") or {}).get("phase") != "Bound"]


def _claim_problem(claim: dict[str, Any], events: Sequence[dict[str, Any]]) -> Problem:
    name = _meta(claim).get("name", "?")
    phase = (claim.get("status") or {}).get("phase") or "Pending"
    said = [e for e in events if (e.get("involvedObject") or {}).get("kind") == "PersistentVolumeClaim"
            and (e.get("involvedObject") or {}).get("name") == name]
    said.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
    storage_class = (claim.get("spec") or {}).get("storageClassName")
    klass = f"class {storage_class}" if storage_class else "no storage class"
    if said:
        why = f"{said[-1].get('reason', '')}: {said[-1].get('message', '')}"
    else:
        why = "no event says why; is there a provisioner for that class (kubectl get storageclass)?"
    return Problem(f"claim {name} ({klass}) is {phase}: {why}")


def namespace_problems(events: Sequence[dict[str, Any]], claims: Sequence[dict[str, Any]]) -> list[Problem]:
    """What the namespace says went wrong, whoever the object: pods a controller could not create (refused by
    Pod Security, a quota, a webhook), and claims that are not Bound. For when Helm itself gave up (a hook that
    never finished) and there is no workload list to assess."""
    refused: dict[str, str] = {}  # one line per workload, its latest reason (events repeat per pod attempt)
    for event in sorted(events, key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or "")):
        if event.get("reason") != "FailedCreate":
            continue
        involved = event.get("involvedObject") or {}
        kind, name = str(involved.get("kind", "?")), str(involved.get("name", "?"))
        if kind == "ReplicaSet":  # a Deployment's pods are created by its ReplicaSet <deployment>-<hash>
            kind, name = "Deployment", name.rsplit("-", 1)[0]
        message = str(event.get("message", ""))
        refused[f"{kind}/{name}"] = message.split(" is forbidden: ", 1)[-1] if " is forbidden: " in message else \
            message
    found = [Problem(f"{owner} could not create its pods, refused: {why}", fatal=True)
             for owner, why in refused.items()]
    found += [_claim_problem(claim, events) for claim in claims
              if (claim.get("status") or {}).get("phase") != "Bound"]
    return found
