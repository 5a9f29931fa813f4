"""YAML, read and written: ruamel.yaml for the files people edit (values and answers files keep their comments
through a round trip; `yamlio` is the only module that configures it), PyYAML's C loader for what machines write
(rendered manifests, customer values files read as Helm reads them: `helmyaml`), and the guard that refuses hostile
YAML while it is parsed.

May import: core.
"""
