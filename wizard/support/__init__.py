"""For support engineers: importing a customer's values files into a Plan (importing/), the configuration a
command line names (sources), diffs between two of them, bundles to hand over, and the redaction that keeps secrets
out of whatever leaves the machine.

May import: core, yamlkit, analysis, helm, charts, planning, writing, reporting.
"""
