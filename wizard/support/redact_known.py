"""What the wizard knows a values key to be, for the default-deny redaction of bundles (redact.py).

A string travels in clear only at a place the wizard knows: a key the chart's values.yaml declares (with the keys its
templates read undeclared, chart_defaults.UNDECLARED_KEYS), or a field of a Kubernetes type that such a key holds
(a securityContext, resources, volumes, tolerations ...), or a well-known label or annotation. A map key is kept when
it is one of those, or a word of that vocabulary anywhere; any other key could be a secret and is redacted.

Knowledge is a template tree: a dict (known keys), a list (its items' template), or a leaf. An empty `{}` or `[]` in
the chart defaults says nothing of what goes in it, except where its name is a Kubernetes type below.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


class Unknown:
    """A place the wizard does not know: every string there is redacted."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = Unknown()


class Leaf:
    """A known place holding a scalar (or anything the customer put there: it is declared)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "LEAF"


LEAF = Leaf()

# Keys the charts declare whose name sounds like a credential but which hold none: Secret names, a URL, a switch.
DECLARED_NOT_CREDENTIALS = frozenset({"certificatesSecret", "scriptsSecret", "extraEnvVarsSecret", "authClients"})
# Declared keys whose name does not sound like a credential but which hold one: MinIO's root user is the access key
# half of the object store's credentials (the backend sends it with the password).
DECLARED_CREDENTIAL_PATHS = frozenset({("minio", "auth", "rootUser")})
DECLARED_NOT_CREDENTIAL_PATHS = frozenset({("oidc", "provider", "endpoints", "token"), ("privateCa", "secret"),
                                           ("orchestrator", "tls", "secrets")})

# Declared keys whose content means nothing to the wizard, whatever their defaults hold: argument lists, scripts,
# containers and raw configuration may carry anything, a password included.
OPAQUE_KEYS = frozenset({
    "command", "args", "extraArgs", "extraFlags", "extraCommands", "preExecCmds", "initContainers", "sidecars",
    "extraDeploy", "lifecycleHooks", "customLivenessProbe", "customReadinessProbe", "customStartupProbe",
    "extraPodSpec", "scripts", "configuration", "extraConfig", "extraSecrets",
})

_NAME = LEAF
_LABEL_KEYS = ("kubernetes.io/os", "kubernetes.io/arch", "kubernetes.io/hostname", "topology.kubernetes.io/zone",
               "topology.kubernetes.io/region", "node.kubernetes.io/instance-type", "beta.kubernetes.io/os",
               "beta.kubernetes.io/arch", "beta.kubernetes.io/instance-type", "failure-domain.beta.kubernetes.io/zone",
               "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
               "app.kubernetes.io/part-of", "app.kubernetes.io/version", "app.kubernetes.io/managed-by",
               "cloud.google.com/gke-nodepool", "cloud.google.com/gke-accelerator", "eks.amazonaws.com/nodegroup",
               "karpenter.sh/nodepool", "kubernetes.azure.com/agentpool", "nvidia.com/gpu.present",
               "nvidia.com/gpu.product", "app", "component", "tier", "environment", "team")
_ANNOTATION_KEYS = (
    "cert-manager.io/cluster-issuer", "cert-manager.io/issuer", "cert-manager.io/issuer-kind",
    "kubernetes.io/ingress.class", "kubernetes.io/tls-acme", "nginx.ingress.kubernetes.io/proxy-body-size",
    "nginx.ingress.kubernetes.io/ssl-redirect", "nginx.ingress.kubernetes.io/force-ssl-redirect",
    "nginx.ingress.kubernetes.io/backend-protocol", "nginx.ingress.kubernetes.io/ssl-passthrough",
    "nginx.ingress.kubernetes.io/proxy-read-timeout", "nginx.ingress.kubernetes.io/proxy-send-timeout",
    "nginx.ingress.kubernetes.io/proxy-connect-timeout", "nginx.ingress.kubernetes.io/whitelist-source-range",
    "nginx.ingress.kubernetes.io/rewrite-target", "external-dns.alpha.kubernetes.io/hostname",
    "seccomp.security.alpha.kubernetes.io/pod", "cluster-autoscaler.kubernetes.io/safe-to-evict",
    "prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path", "sidecar.istio.io/inject",
    "linkerd.io/inject", "service.beta.kubernetes.io/aws-load-balancer-type",
    "service.beta.kubernetes.io/aws-load-balancer-internal", "networking.gke.io/load-balancer-type")
KNOWN_KEY_PREFIXES = ("container.apparmor.security.beta.kubernetes.io/", "node-role.kubernetes.io/")
"""Label and annotation keys known by their prefix (the rest names a container or a role)."""

_LABELS = dict.fromkeys(_LABEL_KEYS, _NAME)
_ANNOTATIONS = dict.fromkeys(_ANNOTATION_KEYS, LEAF)
_SELECTOR = {"matchLabels": _LABELS, "matchExpressions": [{"key": LEAF, "operator": LEAF, "values": [LEAF]}]}
_CAPABILITIES = {"add": [LEAF], "drop": [LEAF]}
_SECURITY_CONTEXT = {
    "enabled": LEAF, "runAsUser": LEAF, "runAsGroup": LEAF, "runAsNonRoot": LEAF, "fsGroup": LEAF,
    "fsGroupChangePolicy": LEAF, "supplementalGroups": [LEAF], "privileged": LEAF, "allowPrivilegeEscalation": LEAF,
    "readOnlyRootFilesystem": LEAF, "procMount": LEAF, "capabilities": _CAPABILITIES,
    "seccompProfile": {"type": LEAF, "localhostProfile": LEAF}, "appArmorProfile": {"type": LEAF,
                                                                                 "localhostProfile": LEAF},
    "seLinuxOptions": {"type": LEAF, "level": LEAF, "role": LEAF, "user": LEAF},
    "windowsOptions": {"hostProcess": LEAF, "runAsUserName": LEAF}, "sysctls": [{"name": LEAF, "value": LEAF}],
}
_QUANTITIES = dict.fromkeys(("cpu", "memory", "ephemeral-storage", "storage", "nvidia.com/gpu", "amd.com/gpu",
                             "hugepages-2Mi", "hugepages-1Gi"), LEAF)
_RESOURCES = {"requests": _QUANTITIES, "limits": _QUANTITIES}
_KEY_TO_PATH = [{"key": LEAF, "path": LEAF, "mode": LEAF}]
_VOLUME = {
    "name": _NAME, "hostPath": {"path": LEAF, "type": LEAF}, "emptyDir": {"medium": LEAF, "sizeLimit": LEAF},
    "persistentVolumeClaim": {"claimName": _NAME, "readOnly": LEAF},
    "secret": {"secretName": _NAME, "defaultMode": LEAF, "optional": LEAF, "items": _KEY_TO_PATH},
    "configMap": {"name": _NAME, "defaultMode": LEAF, "optional": LEAF, "items": _KEY_TO_PATH},
    "csi": {"driver": LEAF, "readOnly": LEAF}, "nfs": {"server": LEAF, "path": LEAF, "readOnly": LEAF},
}
_MOUNT = {"name": _NAME, "mountPath": LEAF, "subPath": LEAF, "readOnly": LEAF, "mountPropagation": LEAF}
_TOLERATION = {"key": LEAF, "operator": LEAF, "value": LEAF, "effect": LEAF, "tolerationSeconds": LEAF}
_NODE_TERMS = [{"matchExpressions": [{"key": LEAF, "operator": LEAF, "values": [LEAF]}]}]
_POD_TERM = {"labelSelector": _SELECTOR, "topologyKey": LEAF, "namespaces": [LEAF]}
_AFFINITY = {
    "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": _NODE_TERMS},
                     "preferredDuringSchedulingIgnoredDuringExecution": [
                         {"weight": LEAF, "preference": {"matchExpressions": _NODE_TERMS[0]["matchExpressions"]}}]},
    "podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [_POD_TERM],
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": LEAF, "podAffinityTerm": _POD_TERM}]},
}
_AFFINITY["podAntiAffinity"] = _AFFINITY["podAffinity"]
_ENV = [{"name": LEAF, "value": UNKNOWN,
         "valueFrom": {"secretKeyRef": {"name": LEAF, "key": LEAF}, "configMapKeyRef": {"name": LEAF, "key": LEAF},
                       "fieldRef": {"fieldPath": LEAF}}}]

KUBERNETES_TYPES: dict[str, Any] = {
    "securityContext": _SECURITY_CONTEXT, "podSecurityContext": _SECURITY_CONTEXT,
    "containerSecurityContext": _SECURITY_CONTEXT, "capabilities": _CAPABILITIES,
    "seLinuxOptions": _SECURITY_CONTEXT["seLinuxOptions"], "resources": _RESOURCES, "requests": _QUANTITIES,
    "limits": _QUANTITIES, "affinity": _AFFINITY, "nodeSelector": _LABELS, "labels": _LABELS, "podLabels": _LABELS,
    "commonLabels": _LABELS, "matchLabels": _LABELS, "selector": _SELECTOR, "annotations": _ANNOTATIONS,
    "podAnnotations": _ANNOTATIONS, "commonAnnotations": _ANNOTATIONS, "tolerations": [_TOLERATION],
    "extraVolumes": [_VOLUME], "volumes": [_VOLUME], "extraVolumeMounts": [_MOUNT], "volumeMounts": [_MOUNT],
    "topologySpreadConstraints": [{"maxSkew": LEAF, "topologyKey": LEAF, "whenUnsatisfiable": LEAF,
                                   "labelSelector": _SELECTOR}],
    "sysctls": _SECURITY_CONTEXT["sysctls"], "env": _ENV, "extraEnv": _ENV, "extraEnvVars": _ENV,
    "environment": _ENV, "pullSecrets": [LEAF], "imagePullSecrets": [LEAF], "accessModes": [LEAF],
    "loadBalancerSourceRanges": [LEAF], "externalIPs": [LEAF], "ipFamilies": [LEAF], "domains": [LEAF],
    "cachedImages": [LEAF], "hostAliases": [{"ip": LEAF, "hostnames": [LEAF]}],
    "extraTls": [{"hosts": [LEAF], "secretName": _NAME}], "tls": [{"hosts": [LEAF], "secretName": _NAME}],
    "extraHosts": [{"name": LEAF, "path": LEAF}], "extraPaths": [{"path": LEAF, "pathType": LEAF}],
    "updateStrategy": {"type": LEAF, "rollingUpdate": {"maxSurge": LEAF, "maxUnavailable": LEAF}},
    "rollingUpdate": {"maxSurge": LEAF, "maxUnavailable": LEAF, "partition": LEAF},
}
"""What a key of this name holds where the chart declares it: its Kubernetes type, as a template."""


@lru_cache(maxsize=None)
def chart_template(chart: str) -> Any:
    """The defaults tree of a supported chart, with the keys its templates read undeclared; UNKNOWN otherwise."""
    from wizard.charts import SUPPORTED_VERSIONS
    from wizard.charts.chart_defaults import UNDECLARED_KEYS, copy_json, load_defaults

    if chart not in SUPPORTED_VERSIONS:
        return UNKNOWN
    tree: Any = copy_json(load_defaults(chart, SUPPORTED_VERSIONS[chart]))
    for path in UNDECLARED_KEYS.get(chart, {}):
        node = tree
        for key in path[:-1]:
            if node.get(key) is None:
                node[key] = {}
            node = node[key]
            if not isinstance(node, dict):
                break
        else:
            node.setdefault(path[-1], None)
    return tree


def child(template: Any, key: object) -> Any:
    """The template of `key` inside a map known as `template` (UNKNOWN when the wizard does not know the key)."""
    if not isinstance(template, dict) or not isinstance(key, str):
        return UNKNOWN
    if key in OPAQUE_KEYS:
        return UNKNOWN
    if key not in template:
        if template is _LABELS or template is _ANNOTATIONS:
            return LEAF if key.startswith(KNOWN_KEY_PREFIXES) else UNKNOWN
        return UNKNOWN
    found = template[key]
    if found is UNKNOWN:
        return UNKNOWN
    known = KUBERNETES_TYPES.get(key)
    if known is None:
        return LEAF if found is None or isinstance(found, str | int | float | bool) else found
    if found in ({}, [], None) or found is known:
        return known
    return _merged(found, known)


def item(template: Any) -> Any:
    """The template of an item of a list known as `template`."""
    if not isinstance(template, list) or not template:
        return UNKNOWN
    maps = [entry for entry in template if isinstance(entry, dict)]
    if not maps:
        return LEAF
    if len(maps) == 1:
        return maps[0]
    merged: dict[str, Any] = {}
    for entry in maps:
        merged.update(entry)
    return merged


def _merged(found: Any, known: Any) -> Any:
    """A declared map or list that is also a Kubernetes type: what either says is known."""
    if isinstance(found, dict) and isinstance(known, dict):
        return {**known, **found}
    if isinstance(found, list) and isinstance(known, list):
        return [*found, *known]
    return found


@lru_cache(maxsize=None)
def vocabulary() -> frozenset[str]:
    """Every key name of the charts' defaults and of the Kubernetes types above: a map key spelled like one of these
    is a word the wizard knows, not a secret, wherever it is."""
    from wizard.charts import SUPPORTED_VERSIONS

    found: set[str] = set()
    stack: list[Any] = [chart_template(chart) for chart in SUPPORTED_VERSIONS] + list(KUBERNETES_TYPES.values())
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            found.update(key for key in node if isinstance(key, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(found | set(KUBERNETES_TYPES))


def declared_path(chart: str, dotted: str) -> bool:
    """Whether a dotted key path (as notes write them) is one the wizard knows in this chart."""
    template = chart_template(chart)
    for key in dotted.split("."):
        template = child(template, key)
        if template is UNKNOWN:
            return False
    return True
