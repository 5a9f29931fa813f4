"""An empty field says what empty means, truthfully: the declared meaning, the chart's own default read from the
chart (a size), or "required" where the answers refuse it empty; and every placeholder fits the narrowest field."""

from __future__ import annotations

import typing

import pytest

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import get_path, load_defaults
from wizard.frontend.draft import Draft, edit
from wizard.frontend.placeholders import REQUIRED, WIDEST, placeholder
from wizard.frontend.steps import relevant
from wizard.planning import presets
from wizard.planning.declare import declaration, declarations
from wizard.planning.layers import Layer, build_plan


def _draft(preset: str = "minimal") -> Draft:
    return Draft.start(build_plan([Layer(preset, presets.load(preset).plan, kind="preset")]))


def _text_fields() -> list:  # type: ignore[type-arg]
    return [d for d in declarations() if d.annotation is not bool and not d.choices]


@pytest.mark.parametrize("preset", presets.names())
def test_every_placeholder_an_operator_can_see_fits_the_narrowest_field_whole(preset: str) -> None:
    draft = _draft(preset)
    for path, text in (("features.private_ca", "true"), ("features.registry", "remote")):
        draft = edit(draft, path, text)  # fields shown only then
    seen = [d for d in _text_fields() if relevant(d.path, draft.shown)]
    assert {"features.add_cert_image_tag", "features.registry_host"} <= {d.path for d in seen}
    shown = {d.path: placeholder(d, edit(draft, d.path, "")) for d in seen}  # a placeholder shows when empty
    assert not {path: text for path, text in shown.items() if len(text) > WIDEST}


def test_a_size_says_the_chart_s_own_default_read_from_the_chart() -> None:
    draft = _draft()
    for path, chart, key in (("storage.backend_database.size", "substra-backend",
                              "postgresql.primary.persistence.size"),
                             ("storage.worker.size", "substra-backend", "worker.persistence.size"),
                             ("storage.localstack.size", "substra-backend", "localstack.persistence.size")):
        default = get_path(load_defaults(chart, SUPPORTED_VERSIONS[chart]), tuple(key.split(".")))
        assert placeholder(declaration(path), draft) == f"empty: the chart's {default}"
    assert placeholder(declaration("storage.backend_database.size"), draft) == "empty: the chart's 8Gi"


def test_a_field_the_answers_refuse_empty_says_required() -> None:
    draft = _draft()
    tag = declaration("features.add_cert_image_tag")
    assert placeholder(tag, draft) != REQUIRED  # no private CA: empty is fine (and the field is not shown)
    draft = edit(draft, "features.private_ca", "true")
    assert draft.problem(tag.path) and placeholder(tag, draft) == REQUIRED
    host = declaration("features.registry_host")
    assert placeholder(host, edit(draft, "features.registry", "remote")) == REQUIRED
    assert placeholder(host, edit(edit(draft, "features.registry", "remote"), host.path, "r.example.com")) != REQUIRED


def test_a_field_without_none_is_required_and_an_optional_one_says_what_empty_means() -> None:
    draft = _draft()
    for decl in _text_fields():
        shown = placeholder(decl, draft)
        kinds = typing.get_args(decl.annotation)
        if type(None) not in kinds and typing.get_origin(decl.annotation) is not tuple:
            assert shown == REQUIRED, decl.path
        else:
            assert shown.startswith("empty: "), decl.path
    assert placeholder(declaration("ingress.backend_host"), draft) == "empty: no ingress"
    assert placeholder(declaration("storage.worker.storage_class"), draft) == "empty: the default class"


def test_a_declared_meaning_also_ends_the_help_unless_the_help_says_it_already() -> None:
    assert declaration("ingress.backend_host").help.endswith("Empty: no ingress.")
    host = declaration("orchestrator.host")
    assert host.help.count("Empty:") == 1 and "(<release>-server.<namespace>)" in host.help


def test_an_emptied_list_field_means_no_items_as_its_placeholder_says() -> None:
    draft = _draft()
    cached = declaration("features.kaniko_cached_images")
    assert placeholder(cached, draft) == "empty: none; a, b, ..."
    filled = edit(draft, cached.path, "a/b:1, c/d:2")
    assert filled.valid and filled.plan.features.kaniko_cached_images == ("a/b:1", "c/d:2")
    emptied = edit(filled, cached.path, "")
    assert emptied.valid and emptied.plan.features.kaniko_cached_images == ()
