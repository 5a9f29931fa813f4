"""The chart-agnostic analysis engine: Pod Security, NetworkPolicy connectivity and volumes of any manifests.

Nothing here knows Substra: it works on plain Kubernetes objects (dicts as read from YAML), so the same code explains
the wizard's own model of the charts, a real `helm template`, or any other manifests (`wizard pss`, `wizard netpol`).

May import: core, yamlkit.
"""
