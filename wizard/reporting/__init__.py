"""What a deployment does, said to the operator: the Report (Pod Security, NetworkPolicy reachability
and volumes per Substra component, built from manifests by analysis/), its findings with the values key behind each
(credentials, images, differences from Substra's deployment reference page), its text and markdown formats, and
`explain`, the path Plan -> values -> embedded charts -> Report that the front ends rerun on every change.

May import: core, yamlkit, analysis, helm, charts, planning, writing.
"""
