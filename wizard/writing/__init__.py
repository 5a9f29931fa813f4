"""From a Plan to the files of a run: the values of each chart, the credentials and the Kubernetes Secrets in
secrets/ that hold them, the releases the embedded models render, every image the Plan pulls, install.sh, and the
output that writes them all as one journal generation without losing anybody's work.

May import: core, yamlkit, analysis, helm, charts, planning.
"""
