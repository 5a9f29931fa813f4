"""The ground floor: errors shown to the operator, how untrusted text appears in a message, atomic private
files and the journal that makes a run's files land together, command-line paths, Kubernetes names and quantities,
and the bounded tar reader. Nothing here knows Substra, Helm or YAML.

May import: nothing.
"""
