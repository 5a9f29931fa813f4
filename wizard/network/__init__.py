"""A Substra network: several organisations, one orchestrator, channels, and the credentials that tie them.

The network file (`model`) names the organisations, where each runs (kube context, namespace, public host), which
cluster runs the orchestrator, the channels and their members, TLS and mTLS. From it the wizard derives one Plan per
organisation and one for the orchestrator that agree by construction (`plans`), the credentials of every ordered
pair of organisations (`pairs`), and the files and install order of each (`output`). `paths` judges every call
between organisations from both ends (`preview` runs it over a network file), `edits` writes the front ends'
changes back into the file, and `doctor` reads a set of values files (a customer's, or the wizard's own) and names
every way they disagree.

May import: core, yamlkit, analysis, helm, charts, planning, writing, reporting, support, cluster.
"""
