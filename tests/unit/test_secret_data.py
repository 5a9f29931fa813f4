"""A Secret manifest read back (writing.secret_files.secret_data, for the secrets folder and the network doctor): its
data decoded, its stringData taken as written, and anything else refused with the Secret named, never a traceback
and never a value."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from wizard.core.errors import OutputError
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.writing.secret_files import folder, manifest_name, read_existing, secret_data


def test_data_is_decoded_and_string_data_wins() -> None:
    doc = {"data": {"a": base64.b64encode(b"from-data").decode(), "b": base64.b64encode(b"old").decode()},
           "stringData": {"b": "new"}}
    assert secret_data(doc, "here", title="t") == {"a": "from-data", "b": "new"}


@pytest.mark.parametrize(("doc", "expected"), [
    ({"data": ["hunter2"]}, "here: its data is not a map of keys"),
    ({"stringData": "hunter2"}, "here: its stringData is not a map of keys"),
    ({"data": {"password": "hunter2!"}}, "here, key password: not base64 of UTF-8 text"),
])
def test_a_broken_secret_is_refused_naming_it_never_its_value(doc: dict[str, object], expected: str) -> None:
    with pytest.raises(OutputError) as caught:
        secret_data(doc, "here", title="Cannot read it", fix="or delete the key")
    assert expected in caught.value.msg and caught.value.title == "Cannot read it"
    assert "hunter2" not in str(caught.value)


def test_a_secrets_file_whose_data_is_a_list_is_refused_not_a_traceback(tmp_path: Path) -> None:
    plan = build_plan([Layer("minimal", presets.load("minimal").plan)])
    folder(tmp_path).mkdir()
    path = folder(tmp_path) / manifest_name("substra-backend")
    path.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: [hunter2]\n")
    with pytest.raises(OutputError) as caught:
        read_existing(plan, tmp_path)
    assert f"{path}, document 1 (Secret x): its data is not a map of keys" in caught.value.msg
    assert caught.value.title == "Cannot read secrets/"
