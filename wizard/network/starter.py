"""The network file `wizard network init` writes: a working example, every key explained where it stands."""

STARTER = """\
schema: substra-wizard/network@1
description: Three organisations in two clusters, two channels.
network:
  # TLS between the backends and the orchestrator (the orchestrator terminates it; its ingress passes TLS
  # through). Recommended in production; each cluster then needs the certificates install.sh lists.
  tls: false
  # Client certificates too (needs tls); verify_msp_id makes the orchestrator check a certificate's O.
  mtls: false
  verify_msp_id: false

  # One orchestrator serves the whole network: run it in the cluster every organisation trusts.
  orchestrator:
    context: cluster-1          # kube context of its cluster (kubectl config get-contexts)
    namespace: orchestrator
    # Its public host name: required as soon as an organisation runs in another cluster.
    host: orchestrator.cluster-1.example.com
    plan: {}                    # its own decisions, as in an answers file (storage, ingress class, ...)

  # Channels and their members (organisation names or MSP ids). An organisation shares assets with the
  # members of its channels; the orchestrator lists exactly these members.
  channels:
    - name: research
      members: [ingen, biotechnica, arasaka]
    - name: pilot
      members: [ingen, biotechnica]

  # Each organisation: its name (the backend's organizationName, and its folder in the output), its MSP id
  # (what the orchestrator and the other organisations know it by), where it runs, and the public host of its
  # backend (the others download assets from it). `plan` holds its own decisions, as in an answers file
  # (features, storage, ingress, accounts); `preset` starts them from a preset (wizard --list-presets).
  organisations:
    - name: ingen
      msp_id: IngenMSP
      context: cluster-1
      namespace: ingen          # empty: the organisation's name
      host: api.ingen.example.com
      preset: minimal
    - name: biotechnica
      msp_id: BiotechnicaMSP
      context: cluster-1
      host: api.biotechnica.example.com
      preset: minimal
      plan:
        features:
          builder: false        # at least one organisation of the network builds images
    - name: arasaka
      msp_id: ArasakaMSP
      context: cluster-2
      host: api.arasaka.example.com
      preset: minimal
"""
