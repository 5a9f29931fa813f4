"""The Textual front end (the full-screen wizard). Only this package imports textual.

May import: core, yamlkit, analysis, helm, charts, planning, writing, reporting, support, cluster, network, frontend.
"""
