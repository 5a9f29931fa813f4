"""The Plan, every decision for one organisation's cluster declared once, and how it is built: the
declarations the front ends read, the presets and answers files, the layers merged in order (defaults < preset <
answers < --set), what is derived from the rest, the admin passwords as the backend judges them, and the rules across
fields that block writing or inform.

May import: core, yamlkit, analysis, charts.
"""
