"""The engine: readers, streaming profiles, drift metrics, data-quality checks, SageMaker files."""
