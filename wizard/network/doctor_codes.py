"""The doctor's finding codes: stable (scripts read `--format json` by code, tests expect codes), each with its one
severity and what it means, by the part of the network it concerns. A new check adds its code here (a finding with a
code not listed, or with another severity, is a bug), and a case to tests/data/network/ (a test runs them all).
"""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # credentials between organisations (FACTS_ACCOUNTS_NETWORK_IMAGES.md §1.7)
    "incoming-missing": ("danger", "A shares a channel with B, and A's incoming organisations lack B"),
    "outgoing-missing": ("danger", "A shares a channel with B, and B's outgoing organisations lack A"),
    "secret-mismatch": ("danger", "B's outgoing secret for A is not A's incoming secret for B"),
    "self-missing": ("danger", "a backend is not in its own incoming and outgoing organisations"),
    "self-mismatch": ("danger", "a backend's two entries for itself have different secrets"),
    "msp-duplicate": ("danger", "two backends have the same orchestrator.mspID"),
    "entry-names-organisation": ("danger", "a list entry names an organizationName, not its MSP id"),
    "entry-unknown-msp": ("info", "a list entry names an MSP id no file of the set has"),
    "entry-duplicate": ("warning", "an organisation is twice in one list"),
    "lists-ignored": ("warning", "inline lists beside addAccountOperator.existingSecret, which wins"),
    "lists-in-secret": ("info", "a backend's lists are in a Secret the set does not hold"),
    # how the backend reads its lists (§1.2-1.3)
    "entry-has-channel": ("danger", "an organisation entry has a channel: the secret becomes part of the id"),
    "entry-name-invalid": ("danger", "an entry without a usable name, or a list that is no list of maps"),
    "secret-empty": ("danger", "an entry without a secret, or with an empty one"),
    "secret-not-text": ("danger", "a secret that is a number or another non-text value"),
    "secret-malformed": ("danger", "a secret with a space or line end, or an outgoing one over 128 characters"),
    "line-malformed": ("danger", "an accounts Secret line that is blank or has no space: the sync crashes"),
    # channels (DEPLOY_HOWTO_FACTS.md §2.3-2.5)
    "channel-not-in-orchestrator": ("danger", "a backend declares a channel the orchestrator does not have"),
    "channel-member-missing": ("danger", "a backend declares a channel whose members do not include it"),
    "channel-undeclared": ("warning", "the orchestrator lists a backend in a channel the backend does not declare"),
    "channel-names-organisation": ("danger", "the orchestrator's channel names an organizationName, not an MSP id"),
    "channel-no-backend": ("info", "the orchestrator lists an MSP id no backend of the set has"),
    "channels-malformed": ("danger", "channels not in the shape the backend or the orchestrator reads"),
    # the orchestrator's address, TLS, mTLS (FACTS.md §4, FACTS_ACCOUNTS_NETWORK_IMAGES.md §5)
    "orchestrator-host-mismatch": ("danger", "orchestrator.host is not where the orchestrator is, for sameCluster"),
    "orchestrator-port-mismatch": ("danger", "orchestrator.port is not the ingress's (443/80) or the Service's"),
    "orchestrator-not-exposed": ("warning", "a backend in another cluster, an orchestrator without ingress"),
    "orchestrator-address-unchecked": ("info", "the orchestrator is behind a LoadBalancer or NodePort Service"),
    "tls-one-side": ("danger", "orchestrator.tls.enabled differs between a backend and the orchestrator"),
    "tls-no-ca": ("danger", "a backend with TLS to the orchestrator names no CA Secret (orchestrator.tls.cacert)"),
    "mtls-backend-missing": ("danger", "the orchestrator requires client certificates, a backend has none"),
    "mtls-orchestrator-off": ("warning", "a backend has a client certificate, the orchestrator asks for none"),
    "mtls-msp-not-trusted": ("danger", "with verifyClientMSPID, a backend's MSP id is no clientCACerts key"),
    "client-ca-key-collision": ("danger", "clientCACerts keys that become the same volume name"),
    "client-ca-key-invalid": ("danger", "a clientCACerts key whose volume name is no DNS label"),
    "default-domain-no-scheme": ("danger", "server.defaultDomain is no http(s) URL: registration never succeeds"),
    # the set itself
    "no-orchestrator": ("info", "no orchestrator values in the set"),
    "no-backend": ("info", "no backend values in the set"),
}
"""code -> (severity, meaning)."""
