"""substra-wizard: plan a Substra deployment, write its Helm values, and say what it will do."""

__version__ = "0.1.0"
