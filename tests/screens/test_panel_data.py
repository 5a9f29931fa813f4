"""The implications panel's content, computed from real Plans (no Textual): the reachability matrix and what is open
to the internet with its ports and cause, the ways in, each pod's lists with ports, the root containers named whole,
and what the last change marks."""

from __future__ import annotations

from wizard.frontend.draft import Draft, edit
from wizard.frontend.panel import Panel, changes, panel
from wizard.frontend.panel_network import BOTH, IN, NO_POLICY, NONE, OUT, SELF, exposure, plan_entry_points, ways_in
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version

ROOTED = (("features.private_ca", "true"), ("features.add_cert_image_tag", "1.0.1"), ("features.object_store",
                                                                                        "localstack"))


def plan_of(name: str = "minimal", *answers: tuple[str, str]) -> Plan:
    draft = Draft.start(build_plan([Layer(name, presets.load(name).plan)]))
    for path, text in answers:
        draft = edit(draft, path, text)
    assert draft.valid, draft.problems
    return draft.plan


def panel_of(plan: Plan) -> Panel:
    """As the wizard computes it (screens.panel_updates.implications)."""
    inputs = plan_inputs(plan)
    return panel(explain(inputs, version=plan_version(plan), plan=plan), plan_entry_points(inputs))


def no_marks(key: str) -> str:
    return ""


def test_the_matrix_has_a_column_per_external_peer_then_per_pod_by_number() -> None:
    found = panel_of(plan_of())
    headings = dict(found.peers)
    assert list(headings)[:4] == ["internet", "cluster-private", "other-namespaces", "kube-dns"]
    rows = list(found.network)
    assert len(found.peers) == 4 + len(rows)
    for number, row in enumerate(rows, 1):
        assert headings[row.key] == str(number) and row.cells[0] == f"{number:>2} {row.key}"


def test_a_matrix_cell_says_who_may_open_connections_to_whom() -> None:
    reach = panel_of(plan_of()).reach
    assert reach("backend-server", "internet") == BOTH  # open to the internet, and reaches it
    assert reach("backend-database", "backend-server") == IN  # the server connects to its database
    assert reach("backend-server", "backend-database") == OUT
    assert reach("backend-redis", "internet") == NONE
    assert reach("backend-server", "backend-server") == SELF


def test_what_is_open_to_the_internet_says_its_ports_and_what_opens_it() -> None:
    found = panel_of(plan_of())
    internet = {row.key: row.cells[1:] for row in found.internet}
    assert internet["orchestrator-server"] == ("TCP 80, 443, 9000", "NetworkPolicy orchestrator-server")
    assert internet["backend-server"] == ("all ports", "NetworkPolicy substra-backend-internet-ingress")
    assert internet["orchestrator-migrations"] == ("all ports", NO_POLICY)  # a Job no policy selects
    assert "backend-database" not in internet
    assert all(row.alert for row in found.network if row.key in internet)
    text = exposure(found.internet, no_marks)
    assert text.startswith("Open to the internet on TCP 80, 443, 9000: orchestrator-server; on all ports: ")
    assert "orchestrator-migrations*" in text and text.endswith("(* no NetworkPolicy selects it).")


def test_turning_the_backend_ingress_on_adds_a_marked_way_in_though_the_server_was_open_already() -> None:
    before = panel_of(plan_of())
    after = panel_of(plan_of("minimal", ("ingress.backend_host", "backend.example.com")))
    assert [row.key for row in before.entries] == ["NodePort 5000 -> backend-docker-registry"]
    found = changes(before, after)
    assert found.added == {("entries", "ingress backend.example.com -> backend-server")}
    assert not found.changed and not found.cells  # the matrix alone shows nothing: the policy opened it already
    text = ways_in(after.entries, lambda key: f"{found.marks('entries', key)} " if found.marks("entries", key) else "")
    assert text == "Ways in: + ingress backend.example.com -> backend-server; NodePort 5000 -> backend-docker-registry."


def test_a_selected_pod_lists_who_may_reach_it_and_whom_it_reaches_with_ports() -> None:
    server = panel_of(plan_of()).detail("backend-server")
    assert server is not None
    assert server.reached_from[0] == "internet: all ports (NetworkPolicy substra-backend-internet-ingress)"
    assert "backend-builder, backend-worker: TCP 8000" in server.reached_from
    assert "backend-database: TCP 5432" in server.reaches and "kube-dns: TCP/UDP 53" in server.reaches
    migrations = panel_of(plan_of()).detail("orchestrator-migrations")
    assert migrations is not None and migrations.reached_from[0] == f"internet: all ports ({NO_POLICY})"


def test_root_containers_are_named_whole_with_why() -> None:
    found = panel_of(plan_of("minimal", *ROOTED))
    assert found.roots == ("Run as root: localstack in backend-object-storage (may: its image decides); add-cert in "
                           "6 pods; kaniko in backend-task-build.")
    rows = {row.key: row.cells[1:] for row in found.security}
    assert rows["backend-server"] == ("baseline", "1") and rows["backend-database"] == ("restricted", "no")
    server, storage = found.detail("backend-server"), found.detail("backend-object-storage")
    assert server is not None and storage is not None
    assert "Root: add-cert, because runAsUser: 0 (container securityContext)." in server.security
    assert any(line.startswith("Fails restricted: ") and "runAsUser=0" in line for line in server.security)
    assert storage.security[1].startswith("Root: localstack may run as root")


def test_opening_the_storage_marks_the_cells_and_rows_whose_reach_changed() -> None:
    before = panel_of(plan_of("production"))
    after = panel_of(plan_of("production", ("features.close_storage", "false")))
    found = changes(before, after)
    assert {("backend-database", "internet"), ("backend-redis", "other-namespaces")} <= found.cells
    assert after.reach("backend-database", "internet") in (IN, BOTH)
    assert ("network", "backend-database") in found.changed
    assert ("network", "backend-server") not in found.changed  # what it reaches did not change
    assert {("internet", "backend-database"), ("internet", "backend-redis")} <= found.added


def test_turning_the_builder_off_marks_only_the_rows_that_lost_a_peer() -> None:
    before = panel_of(plan_of())
    after = panel_of(plan_of("minimal", ("features.builder", "false")))
    found = changes(before, after)
    assert ("network", "backend-builder") in found.removed
    changed = {key for section, key in found.changed if section == "network"}
    assert "backend-database" in changed  # the builder reached it
    assert "backend-migrations" not in changed  # renumbered, but it reaches what it reached


def test_volumes_name_each_claim_with_its_size_and_whether_it_is_created() -> None:
    rows = {row.key: row.cells for row in panel_of(plan_of()).volumes}
    registry = rows["backend-docker-registry"]
    assert registry[0] == "backend-docker-registry" and registry[4:] == ("yes", "backend-docker-registry")
