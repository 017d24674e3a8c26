"""The JSON Schema for mlpc pipeline YAML files (data package)."""
