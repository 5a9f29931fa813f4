"""substra-wizard: plan a Substra deployment, write its Helm values, and say what it will do.

The packages, in the order data flows (each imports only those before it; see its `May import:` line):
core and yamlkit (the ground floor), analysis and helm (know nothing of Substra's decisions), charts (values ->
objects), planning (the Plan and its layers), writing (Plan -> values and files), reporting (what a deployment does),
support and cluster (import, diff, bundles; the cluster and the install), frontend (what both front ends share), then
screens/ (Textual), commands/ and cli.py.
"""

__version__ = "0.1.0"
