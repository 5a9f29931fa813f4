"""What the wizard learns from, and checks against, the cluster of the current kube context.

`discovery` reads (never writes) the facts the front ends offer as choices; `preflight` judges a Plan against them
before anything changes; `kube` is the thin client the install uses to create namespaces and watch workloads;
`install` puts the Plan's charts into the cluster, in order, with helm/ behind one interface. The
kubernetes package is imported only inside the functions that talk to a cluster: the wizard works without one.

May import: core, yamlkit, analysis, helm, charts, planning, writing, reporting.
"""
