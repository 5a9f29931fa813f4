"""The network file: who the organisations are, where each runs, which cluster runs the orchestrator, the channels.

    schema: substra-wizard/network@1
    description: ...                  (optional)
    network:
      tls: true                       (TLS between the backends and the orchestrator)
      mtls: false                     (client certificates too; needs tls)
      verify_msp_id: false            (with mtls: the orchestrator checks a certificate's O against its MSP id)
      orchestrator: {context, namespace, release, host, plan}
      channels: [{name, members: [organisation name or MSP id, ...], restricted, model_export_enabled}]
      organisations: [{name, msp_id, context, namespace, host, preset, plan}]

Only what ties organisations together lives here; each organisation's own decisions (features, storage, ingress
class, ...) are a partial Plan under its `plan`, as in an answers file. The checks across organisations (every name
known, nothing twice, the orchestrator reachable) are here too, so a network that loads is one the wizard can plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from wizard.core import files
from wizard.core.errors import ConfigError, Problem
from wizard.core.names import label_problem, subdomain_problem
from wizard.yamlkit import yamlio

SCHEMA = "substra-wizard/network@1"
FILE_NAME = "network.yaml"
MAX_BYTES = 1024 * 1024
MAX_NODES = 50_000
"""A network of a few dozen organisations, each with a whole Plan under `plan`, stays far below both."""
_TOP_KEYS = ("schema", "description", "network")
ORCHESTRATOR_FOLDER = "orchestrator"
"""The output's folder for the orchestrator, beside one folder per organisation (named after it)."""


def _label(value: str) -> str:
    problem = label_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _host(value: str) -> str:
    problem = subdomain_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _msp(value: str) -> str:
    if not value or not value[0].isalnum() or not all(c.isalnum() or c in "_-" for c in value) or len(value) > 64:
        raise ValueError(f'"{value}" is not an MSP id the network can use: letters, digits, "_" and "-", starting '
                         "with a letter or digit, at most 64 characters (a dot would break the orchestrator's "
                         "client-CA volume names)")
    return value


Label = Annotated[str, AfterValidator(_label)]
Host = Annotated[str, AfterValidator(_host)]
MspId = Annotated[str, AfterValidator(_msp)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Orchestrator(_Strict):
    context: str = Field(min_length=1)
    """The kube context of the cluster that runs it."""
    namespace: Label = "orchestrator"
    release: Label = "orchestrator"
    host: Host | None = None
    """Its public host name: required when an organisation runs in another cluster."""
    plan: dict[str, Any] = Field(default_factory=dict)


class Channel(_Strict):
    name: Label
    members: tuple[str, ...]
    restricted: bool = False
    model_export_enabled: bool = False


class Organisation(_Strict):
    name: Label
    msp_id: MspId
    context: str = Field(min_length=1)
    namespace: Label | None = None
    """Empty: the organisation's name."""
    host: Host
    """The public host of its backend: the other organisations download assets from it."""
    preset: str | None = None
    plan: dict[str, Any] = Field(default_factory=dict)

    @property
    def where(self) -> str:
        return self.namespace or self.name


class Network(_Strict):
    tls: bool = False
    mtls: bool = False
    verify_msp_id: bool = False
    orchestrator: Orchestrator
    channels: tuple[Channel, ...]
    organisations: tuple[Organisation, ...]

    def organisation(self, member: str) -> Organisation | None:
        """The organisation a channel member names, by name or by MSP id."""
        return next((o for o in self.organisations if member in (o.name, o.msp_id)), None)

    def channels_of(self, organisation: Organisation) -> list[Channel]:
        return [c for c in self.channels if organisation.name in {o.name for o in self.members(c)}]

    def members(self, channel: Channel) -> list[Organisation]:
        """The channel's organisations, in the network file's order of organisations."""
        named = {found.name for m in channel.members if (found := self.organisation(m))}
        return [o for o in self.organisations if o.name in named]

    def remote(self, organisation: Organisation) -> bool:
        """Whether the organisation reaches the orchestrator from another cluster (through its public host)."""
        return organisation.context != self.orchestrator.context


def load(path: Path) -> Network:
    """The network file at `path`, checked whole.

    Raises:
        OutputError: the file cannot be read or is not YAML.
        ConfigError: every problem of the file, each with its path (`organisations[1].msp_id`).
    """
    what = "a network file (network.yaml)"
    data = yamlio.load_plain(files.read_text(path, limit=MAX_BYTES, what=what), str(path), nodes=MAX_NODES,
                             what=what)
    return parse(data, str(path))


def parse(data: Any, source: str) -> Network:
    """The network of a network file already read as plain data (see `load`)."""
    if not isinstance(data, dict):
        raise ConfigError([Problem("", f"the file must be a map with schema and network, not {type(data).__name__}")],
                          source)
    found = [Problem(str(key), f"unknown key; a network file has only {', '.join(_TOP_KEYS)}")
             for key in data if key not in _TOP_KEYS]
    if data.get("schema") != SCHEMA:
        found.append(Problem("schema", f"must be {SCHEMA} (found {data.get('schema')!r}); `wizard network init` "
                                       "writes a starting file"))
    body = data.get("network")
    if not isinstance(body, dict):
        found.append(Problem("network", "missing, or not a map of tls, orchestrator, channels and organisations"))
        raise ConfigError(found, source)
    try:
        network = Network.model_validate(body)
    except ValidationError as error:
        raise ConfigError(found + [_problem(item) for item in error.errors(include_url=False)], source) from None
    found += consistency(network)
    if found:
        raise ConfigError(found, source)
    return network


def _problem(error: Any) -> Problem:
    path = ""
    for step in error["loc"]:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "required: " + _WHAT.get(str(error["loc"][-1]), "give a value")
    elif error["type"] == "extra_forbidden":
        message = "unknown key (a typo?)"
    return Problem(path, message)


_WHAT = {
    "context": "the kube context (kubectl config get-contexts) of the cluster it runs in",
    "host": "the public host name of the organisation's backend (e.g. api.org-1.example.com)",
    "msp_id": "the organisation's id on the orchestrator (e.g. Org1MSP)",
    "orchestrator": "which cluster runs the orchestrator (context), and its public host",
    "channels": "the channels and their members",
    "organisations": "the organisations, each with name, msp_id, context and host",
    "members": "the organisations in the channel (names or MSP ids)",
}


def consistency(network: Network) -> list[Problem]:
    """What makes a network impossible to plan: names and ids twice, unknown members, an orchestrator nobody
    outside its cluster can reach, mTLS without TLS."""
    found: list[Problem] = []
    if not network.organisations:
        found.append(Problem("organisations", "a network needs at least one organisation"))
    if not network.channels:
        found.append(Problem("channels", "a network needs at least one channel"))
    for key in ("name", "msp_id", "host"):
        seen: dict[str, int] = {}
        for index, organisation in enumerate(network.organisations):
            value = getattr(organisation, key)
            if value.lower() in seen:
                found.append(Problem(f"organisations[{index}].{key}", f'"{value}" is also organisations'
                                     f"[{seen[value.lower()]}]'s {key}: each organisation needs its own"))
            seen.setdefault(value.lower(), index)
    places: dict[tuple[str, str], str] = {(network.orchestrator.context, network.orchestrator.namespace): "the "
                                          "orchestrator"}
    for index, organisation in enumerate(network.organisations):
        if organisation.name == ORCHESTRATOR_FOLDER:
            found.append(Problem(f"organisations[{index}].name", f'"{ORCHESTRATOR_FOLDER}" names the orchestrator\'s '
                                 "folder of the output: give the organisation another name"))
        place = (organisation.context, organisation.where)
        if place in places:
            found.append(Problem(f"organisations[{index}].namespace", f"namespace {organisation.where} of context "
                                 f"{organisation.context} is already {places[place]}'s: give it its own namespace"))
        places.setdefault(place, organisation.name)
        if network.remote(organisation) and not network.orchestrator.host:
            found.append(Problem("orchestrator.host", f"{organisation.name} runs in context {organisation.context}, "
                                 f"not in the orchestrator's ({network.orchestrator.context}): give the "
                                 "orchestrator's public host name, which it reaches through the ingress"))
    found += _channel_problems(network)
    if network.mtls and not network.tls:
        found.append(Problem("mtls", "client certificates need TLS: set tls: true too, or mtls: false"))
    if network.verify_msp_id and not network.mtls:
        found.append(Problem("verify_msp_id", "the orchestrator checks the MSP id of client certificates only with "
                                              "mtls: set mtls: true too, or verify_msp_id: false"))
    if network.mtls:
        found += _volume_name_problems(network)
    return _unique(found)


def _channel_problems(network: Network) -> list[Problem]:
    found: list[Problem] = []
    names: set[str] = set()
    for index, channel in enumerate(network.channels):
        if channel.name in names:
            found.append(Problem(f"channels[{index}].name", f'channel "{channel.name}" is listed twice'))
        names.add(channel.name)
        if not channel.members:
            found.append(Problem(f"channels[{index}].members", "the channel has no members: list the organisations "
                                 "in it (names or MSP ids)"))
        for number, member in enumerate(channel.members):
            if network.organisation(member) is None:
                known = ", ".join(o.name for o in network.organisations) or "none"
                found.append(Problem(f"channels[{index}].members[{number}]", f'"{member}" is no organisation of '
                                     f"the network (known: {known})"))
    for index, organisation in enumerate(network.organisations):
        if not network.channels_of(organisation):
            found.append(Problem(f"organisations[{index}]", f"{organisation.name} is in no channel, so it could "
                                 "share nothing: add it to a channel's members, or take it out"))
    return found


def _volume_name_problems(network: Network) -> list[Problem]:
    """The orchestrator mounts each client-CA key as a volume named after the key in kebab case: two MSP ids that
    differ only in case or separators would give one volume name twice, and the pod is refused."""
    found, seen = [], {}
    for index, organisation in enumerate(network.organisations):
        volume = kebab(organisation.msp_id)
        if volume in seen:
            found.append(Problem(f"organisations[{index}].msp_id", f"{organisation.msp_id} and {seen[volume]} give the "
                                 f"same volume name ({volume}) on the orchestrator with mTLS: make them differ in "
                                 "more than case and separators"))
        seen.setdefault(volume, organisation.msp_id)
    return found


def kebab(text: str) -> str:
    """Helm's kebabcase as the orchestrator chart applies it to client-CA keys (Org1MSP -> org1-msp)."""
    out = ""
    for index, char in enumerate(text):
        if char in "_ ":
            out += "-"
        elif char.isupper() and index and (text[index - 1].islower() or text[index - 1].isdigit()):
            out += "-" + char.lower()
        else:
            out += char.lower()
    return out


def _unique(found: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(found))
