"""The PSS evaluator: each check's exact admission wording, the version boundaries, workload kinds and `wizard pss`."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from wizard import cli
from wizard.analysis import pss

SC = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def restricted_pod(**spec: Any) -> dict[str, Any]:
    """A pod that passes restricted at every version, with `spec` keys replaced."""
    base = {"securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "initContainers": [{"name": "init", "image": "busybox", "securityContext": copy.deepcopy(SC)}],
            "containers": [{"name": "app", "image": "nginx", "securityContext": copy.deepcopy(SC)}]}
    base.update(spec)
    return {"metadata": {"name": "p"}, "spec": base}


def app(pod: dict[str, Any]) -> dict[str, Any]:
    return pod["spec"]["containers"][0]


def texts(pod: dict[str, Any], level: str = "restricted", version: tuple[int, int] = pss.LATEST) -> list[str]:
    return [str(violation) for violation in pss.evaluate(pod, level, version)]


# ---- API ---------------------------------------------------------------------------------------------------------

def test_the_restricted_pod_passes_everything() -> None:
    for minor in range(pss.LATEST[1] + 3):
        assert pss.evaluate(restricted_pod(), "restricted", (1, minor)) == []
    assert pss.highest_level(restricted_pod()) == "restricted"


@pytest.mark.parametrize("text, expected", [("latest", pss.LATEST), ("1.30", (1, 30)), ("v1.0", (1, 0)),
                                            (" v1.25 ", (1, 25)), ("1.99", (1, 99))])
def test_parse_version(text: str, expected: tuple[int, int]) -> None:
    assert pss.parse_version(text) == expected


@pytest.mark.parametrize("text", ["", "2.1", "1", "1.30.2", "v1.x", "Latest", "1.-1", "v1.030"])
def test_parse_version_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="latest, 1.N or v1.N"):
        pss.parse_version(text)


def test_latest_is_v1_37_and_newer_versions_clamp() -> None:
    assert pss.LATEST == (1, 37)
    assert pss.clamp((1, 40)) == pss.LATEST
    pod = restricted_pod(securityContext={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"},
                                          "sysctls": [{"name": "net.ipv4.tcp_notsent_lowat"}]})
    assert pss.evaluate(pod, "baseline", (1, 40)) == []
    assert texts(pod, "baseline", (1, 36)) == ["forbidden sysctls (net.ipv4.tcp_notsent_lowat)"]


def test_privileged_always_allows_and_bad_levels_are_refused() -> None:
    pod = restricted_pod(hostNetwork=True)
    assert pss.evaluate(pod, "privileged") == []
    assert pss.highest_level(pod) == "privileged"
    with pytest.raises(ValueError, match="privileged, baseline, restricted"):
        pss.evaluate(pod, "strict")


def test_violation_str_and_message() -> None:
    assert str(pss.Violation("x", "reason", "")) == "reason"
    assert str(pss.Violation("x", "reason", "detail")) == "reason (detail)"
    pod = restricted_pod(hostPID=True, hostIPC=True)
    violations = pss.evaluate(pod, "baseline", (1, 30))
    assert pss.message(violations, "baseline", (1, 30)) == \
        'violates PodSecurity "baseline:v1.30": host namespaces (hostPID=true, hostIPC=true)'
    assert pss.message(violations, "restricted", (1, 50)).startswith('violates PodSecurity "restricted:v1.37": ')


@pytest.mark.parametrize("pod", [
    {}, {"spec": None}, {"metadata": None, "spec": {"containers": None, "securityContext": None}},
    {"spec": {"containers": [None, "x", {"securityContext": None, "ports": [{"containerPort": 80}, None],
                                         "livenessProbe": {"httpGet": {"port": 80}}, "lifecycle": None}],
              "volumes": None, "os": None}},
])
def test_missing_and_null_fields_never_raise(pod: dict[str, Any]) -> None:
    assert pss.evaluate(pod, "baseline") == []
    assert isinstance(pss.evaluate(pod, "restricted"), list)


def test_violations_follow_the_controller_order_and_container_order() -> None:
    pod = restricted_pod(hostNetwork=True)
    pod["spec"]["ephemeralContainers"] = [{"name": "debug", "securityContext": {"privileged": True}}]
    pod["spec"]["initContainers"][0]["securityContext"]["privileged"] = True
    checks = [violation.check for violation in pss.evaluate(pod, "restricted")]
    assert checks == ["hostNamespaces", "privileged", "allowPrivilegeEscalation", "capabilities_restricted"]
    assert texts(pod, "baseline")[1] == \
        'privileged (containers "init", "debug" must not set securityContext.privileged=true)'


# ---- baseline checks, exact wording ---------------------------------------------------------------------------------

def test_host_namespaces() -> None:
    assert texts(restricted_pod(hostNetwork=True, hostIPC=False), "baseline") == ["host namespaces (hostNetwork=true)"]


def test_privileged() -> None:
    pod = restricted_pod()
    app(pod)["securityContext"]["privileged"] = True
    assert texts(pod, "baseline") == ['privileged (container "app" must not set securityContext.privileged=true)']


def test_capabilities_baseline_sorts_the_values_and_matches_exactly() -> None:
    pod = restricted_pod()
    app(pod)["securityContext"]["capabilities"] = {"add": ["SYS_ADMIN", "CHOWN", "NET_RAW", "chown"]}
    assert texts(pod, "baseline") == ['non-default capabilities (container "app" must not include "NET_RAW", '
                                      '"SYS_ADMIN", "chown" in securityContext.capabilities.add)']


def test_host_path_volumes_at_baseline_and_restricted_volumes_at_restricted() -> None:
    pod = restricted_pod(volumes=[{"name": "a", "hostPath": {"path": "/"}}, {"name": "b", "nfs": {"path": "/"}},
                                  {"name": "c", "configMap": {"name": "x"}}, {"name": "d"},
                                  {"name": "e", "somethingNew": {}}, {"name": "f", "image": {"reference": "x"}}])
    assert texts(pod, "baseline") == ['hostPath volumes (volume "a")']
    assert texts(pod) == ['restricted volume types (volumes "a", "b", "e" use restricted volume types "hostPath", '
                          '"nfs", "unknown")']


def test_host_ports_sort_as_strings() -> None:
    pod = restricted_pod()
    app(pod)["ports"] = [{"containerPort": 80, "hostPort": 80}, {"containerPort": 443, "hostPort": 443},
                         {"containerPort": 9}]
    pod["spec"]["initContainers"][0]["ports"] = [{"hostPort": 0}]
    assert texts(pod, "baseline") == ['hostPort (container "app" uses hostPorts 443, 80)']


def test_app_armor_annotations_and_fields() -> None:
    pod = restricted_pod()
    pod["metadata"]["annotations"] = {"container.apparmor.security.beta.kubernetes.io/app": "unconfined",
                                      "container.apparmor.security.beta.kubernetes.io/init": "localhost/x"}
    app(pod)["securityContext"]["appArmorProfile"] = {"type": "Unconfined"}
    pod["spec"]["securityContext"]["appArmorProfile"] = {"type": "RuntimeDefault"}
    assert texts(pod, "baseline") == [
        'forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to '
        '"Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")']


def test_se_linux_options_and_container_engine_t_from_1_31() -> None:
    pod = restricted_pod()
    pod["spec"]["securityContext"]["seLinuxOptions"] = {"type": "container_engine_t", "user": "u"}
    app(pod)["securityContext"]["seLinuxOptions"] = {"role": "r"}
    assert texts(pod, "baseline", (1, 30)) == [
        'seLinuxOptions (pod and container "app" set forbidden securityContext.seLinuxOptions: type '
        '"container_engine_t"; user may not be set; role may not be set)']
    assert texts(pod, "baseline", (1, 31)) == [
        'seLinuxOptions (pod and container "app" set forbidden securityContext.seLinuxOptions: user may not be set; '
        'role may not be set)']
    pod["spec"]["securityContext"]["seLinuxOptions"] = {"type": "container_engine_t"}
    del app(pod)["securityContext"]["seLinuxOptions"]
    assert texts(pod, "baseline", (1, 31)) == []


def test_proc_mount_and_its_user_namespace_relaxation_from_1_35() -> None:
    pod = restricted_pod(hostUsers=False)
    app(pod)["securityContext"]["procMount"] = "Unmasked"
    expected = 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'
    assert texts(pod, "baseline", (1, 34)) == [expected]
    assert texts(pod, "baseline", (1, 35)) == []
    assert texts(pod, "restricted", (1, 35)) == [expected]
    assert [v.check for v in pss.evaluate(pod, "restricted", (1, 35))] == ["procMount_restricted"]
    assert [v.check for v in pss.evaluate(pod, "restricted", (1, 34))] == ["procMount"]


def test_seccomp_annotations_before_1_19_and_fields_after() -> None:
    pod = restricted_pod()
    pod["metadata"]["annotations"] = {"seccomp.security.alpha.kubernetes.io/pod": "unconfined",
                                      "container.seccomp.security.alpha.kubernetes.io/app": "docker/default"}
    app(pod)["securityContext"]["seccompProfile"] = {"type": "Unconfined"}
    assert texts(pod, "baseline", (1, 18)) == [
        'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")']
    assert texts(pod, "baseline", (1, 19)) == [
        'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")']


@pytest.mark.parametrize("name, first_allowed", [("net.ipv4.ip_local_reserved_ports", 27),
                                                 ("net.ipv4.tcp_keepalive_time", 29), ("net.ipv4.tcp_rmem", 32),
                                                 ("net.ipv4.tcp_slow_start_after_idle", 37)])
def test_sysctls_allowed_from_their_version(name: str, first_allowed: int) -> None:
    sysctls = [{"name": "kernel.msgmax"}, {"name": name}, {"name": "kernel.shm_rmid_forced"}]
    pod = restricted_pod(securityContext={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"},
                                          "sysctls": sysctls})
    assert texts(pod, "baseline", (1, first_allowed - 1)) == [f"forbidden sysctls (kernel.msgmax, {name})"]
    assert texts(pod, "baseline", (1, first_allowed)) == ["forbidden sysctls (kernel.msgmax)"]


def test_windows_host_process() -> None:
    pod = restricted_pod()
    pod["spec"]["securityContext"]["windowsOptions"] = {"hostProcess": True}
    app(pod)["securityContext"]["windowsOptions"] = {"hostProcess": True}
    assert texts(pod, "baseline") == [
        'hostProcess (pod and container "app" must not set securityContext.windowsOptions.hostProcess=true)']


def test_host_probes_and_lifecycle_from_1_34() -> None:
    pod = restricted_pod()
    app(pod)["livenessProbe"] = {"httpGet": {"host": "b.example", "port": 80}}
    app(pod)["lifecycle"] = {"preStop": {"tcpSocket": {"host": "a.example", "port": 1}}}
    pod["spec"]["initContainers"][0]["startupProbe"] = {"tcpSocket": {"host": "a.example", "port": 2}}
    assert texts(pod, "baseline", (1, 33)) == []
    assert texts(pod, "baseline", (1, 34)) == [
        'probe or lifecycle host (containers "app", "init" use probe or lifecycle hosts "a.example", "b.example")']


# ---- restricted checks, exact wording -------------------------------------------------------------------------------

def test_allow_privilege_escalation_from_1_8() -> None:
    pod = restricted_pod()
    del app(pod)["securityContext"]["allowPrivilegeEscalation"]
    pod["spec"]["initContainers"][0]["securityContext"]["allowPrivilegeEscalation"] = True
    expected = ('allowPrivilegeEscalation != false (containers "init", "app" must set '
                'securityContext.allowPrivilegeEscalation=false)')
    assert texts(pod, "restricted", (1, 7)) == []
    assert texts(pod, "restricted", (1, 8)) == [expected]


def test_capabilities_restricted_from_1_22_overrides_baseline() -> None:
    pod = restricted_pod()
    app(pod)["securityContext"]["capabilities"] = {"add": ["NET_BIND_SERVICE", "SYS_ADMIN"]}
    pod["spec"]["initContainers"][0]["securityContext"] = None
    assert texts(pod, "restricted", (1, 21)) == [
        'non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
        'allowPrivilegeEscalation != false (container "init" must set securityContext.allowPrivilegeEscalation=false)']
    assert texts(pod, "restricted", (1, 22))[1] == (
        'unrestricted capabilities (containers "init", "app" must set securityContext.capabilities.drop=["ALL"]; '
        'container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)')


def test_run_as_non_root_explicit_and_implicit() -> None:
    pod = restricted_pod()
    pod["spec"]["securityContext"]["runAsNonRoot"] = False
    app(pod)["securityContext"]["runAsNonRoot"] = False
    assert texts(pod) == ['runAsNonRoot != true (pod and container "app" must not set '
                          'securityContext.runAsNonRoot=false)']
    pod = restricted_pod()
    del pod["spec"]["securityContext"]["runAsNonRoot"]
    app(pod)["securityContext"]["runAsNonRoot"] = True
    assert texts(pod) == ['runAsNonRoot != true (pod or container "init" must set securityContext.runAsNonRoot=true)']


def test_run_as_user_from_1_23() -> None:
    pod = restricted_pod()
    pod["spec"]["securityContext"]["runAsUser"] = 0
    app(pod)["securityContext"]["runAsUser"] = 0
    pod["spec"]["initContainers"][0]["securityContext"]["runAsUser"] = 1000
    assert texts(pod, "restricted", (1, 22)) == []
    assert texts(pod, "restricted", (1, 23)) == ['runAsUser=0 (pod and container "app" must not set runAsUser=0)']


def test_user_namespace_relaxes_run_as_checks_from_1_35() -> None:
    pod = restricted_pod(hostUsers=False)
    pod["spec"]["securityContext"] = {"runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}}
    assert [v.check for v in pss.evaluate(pod, "restricted", (1, 34))] == ["runAsNonRoot", "runAsUser"]
    assert pss.evaluate(pod, "restricted", (1, 35)) == []


def test_seccomp_restricted_from_1_19() -> None:
    pod = restricted_pod()
    del pod["spec"]["securityContext"]["seccompProfile"]
    app(pod)["securityContext"]["seccompProfile"] = {"type": "Localhost", "localhostProfile": "x.json"}
    assert texts(pod, "restricted", (1, 18)) == []
    assert texts(pod, "restricted", (1, 19)) == ['seccompProfile (pod or container "init" must set '
                                                 'securityContext.seccompProfile.type to "RuntimeDefault" or '
                                                 '"Localhost")']


def test_windows_pods_skip_linux_checks_from_1_25() -> None:
    pod = {"spec": {"os": {"name": "windows"}, "securityContext": {"runAsNonRoot": True},
                    "containers": [{"name": "win"}]}}
    assert [v.check for v in pss.evaluate(pod, "restricted", (1, 24))] == [
        "allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]
    assert pss.evaluate(pod, "restricted", (1, 25)) == []


def test_highest_level() -> None:
    pod = restricted_pod()
    app(pod)["securityContext"]["runAsUser"] = 0
    assert pss.highest_level(pod) == "baseline"
    assert pss.highest_level(pod, (1, 22)) == "restricted"


# ---- workload kinds ----------------------------------------------------------------------------------------------

def _template() -> dict[str, Any]:
    pod = restricted_pod()
    app(pod)["securityContext"]["privileged"] = True
    pod["metadata"]["annotations"] = {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}
    return pod


WORKLOADS = {
    "Pod": lambda t: {"kind": "Pod", **t},
    "Deployment": lambda t: {"kind": "Deployment", "spec": {"template": t}},
    "StatefulSet": lambda t: {"kind": "StatefulSet", "spec": {"template": t}},
    "DaemonSet": lambda t: {"kind": "DaemonSet", "spec": {"template": t}},
    "ReplicaSet": lambda t: {"kind": "ReplicaSet", "spec": {"template": t}},
    "ReplicationController": lambda t: {"kind": "ReplicationController", "spec": {"template": t}},
    "Job": lambda t: {"kind": "Job", "spec": {"template": t}},
    "CronJob": lambda t: {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": t}}}},
    "PodTemplate": lambda t: {"kind": "PodTemplate", "template": t},
}


@pytest.mark.parametrize("kind", sorted(WORKLOADS))
def test_evaluate_object_reads_each_kinds_pod_template(kind: str) -> None:
    violations = pss.evaluate_object(WORKLOADS[kind](_template()), "baseline")
    assert [v.check for v in violations or []] == ["appArmorProfile", "privileged"]


def test_evaluate_object_without_pod_template() -> None:
    assert pss.evaluate_object({"kind": "ConfigMap", "data": {}}, "baseline") is None
    assert pss.evaluate_object({"kind": "Deployment", "spec": {"template": None}}, "baseline") is None


# ---- the command -------------------------------------------------------------------------------------------------

def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: org-1}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: api
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
"""
ROOT = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: dump
            securityContext: {runAsUser: 0}
"""


def test_cli_all_allowed_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pss", _write(tmp_path, "good.yaml", GOOD)]) == 0
    out = capsys.readouterr().out
    assert "Deployment/api (namespace org-1, document 1): allowed at restricted:v1.37" in out
    assert "1 workload: 1 allowed, 0 not allowed at restricted:v1.37; 1 other object skipped" in out


def test_cli_not_allowed_exits_1_and_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [_write(tmp_path, "good.yaml", GOOD), _write(tmp_path, "root.yaml", ROOT)]
    assert cli.main(["pss", "--k8s-version", "v1.30", *files]) == 1
    out = capsys.readouterr().out
    assert "CronJob/backup (document 1): NOT allowed at restricted:v1.30; it passes baseline. To fix:" in out
    assert '      - runAsUser=0 (container "dump" must not set runAsUser=0)\n' in out
    assert "2 workloads: 1 allowed, 1 not allowed at restricted:v1.30" in out
    assert "rejects the pods they create" in out
    assert cli.main(["pss", "--level", "baseline", files[1]]) == 0


def test_cli_baseline_failure_needs_privileged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = "kind: Pod\nmetadata: {name: x}\nspec:\n  hostNetwork: true\n  containers: [{name: a}]\n"
    assert cli.main(["pss", "--level", "baseline", _write(tmp_path, "p.yaml", pod)]) == 1
    out = capsys.readouterr().out
    assert "Pod/x (document 1): NOT allowed at baseline:v1.37; it needs a privileged namespace. To fix:" in out
    assert "      - host namespaces (hostNetwork=true)\n" in out
    assert "rejected when it is created" in out


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pss", "--format", "json", "--k8s-version", "latest", _write(tmp_path, "r.yaml", ROOT)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["level"], report["version"]) == ("restricted", "1.37")
    [obj] = report["objects"]
    assert (obj["kind"], obj["name"], obj["namespace"], obj["document"]) == ("CronJob", "backup", None, 1)
    assert (obj["allowed"], obj["highest_level"]) == (False, "baseline")
    assert [v["check"] for v in obj["violations"]] == [
        "allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "runAsUser",
        "seccompProfile_restricted"]
    assert obj["violations"][3]["message"] == 'runAsUser=0 (container "dump" must not set runAsUser=0)'
    assert report["summary"] == {"workloads": 1, "allowed": 0, "not_allowed": 1, "skipped": 0}


@pytest.mark.parametrize("args", [["--k8s-version", "1.x"], ["--level", "privileged"], ["--format", "xml"], []])
def test_cli_bad_arguments_exit_2(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pss", *args, *([_write(tmp_path, "g.yaml", GOOD)] if args else [])]) == 2
    assert "usage: wizard pss" in capsys.readouterr().err


def test_cli_bad_version_says_what_to_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pss", "--k8s-version", "2.0", "x.yaml"]) == 2
    assert "latest, 1.N or v1.N" in capsys.readouterr().err


def test_cli_missing_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert cli.main(["pss", str(missing)]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_cli_non_kubernetes_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pss", _write(tmp_path, "values.yaml", "replicas: 3\nimage: nginx\n")]) == 2
    assert "not a Kubernetes object" in capsys.readouterr().err


def test_cli_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pss", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Exit codes: 0" in out and "--k8s-version" in out
