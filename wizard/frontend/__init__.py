"""What both front ends share, so that the full-screen wizard (screens/) and `--plain` (prompts) ask the
same questions in the same order: the steps, the draft being edited, list fields, the implications panel's content,
where each value came from, the resumable draft, and the accounts step's secret status.

May import: core, yamlkit, analysis, helm, charts, planning, writing, reporting, support, cluster, network.
"""
