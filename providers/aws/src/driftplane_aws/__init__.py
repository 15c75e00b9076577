"""driftplane provider for Amazon SageMaker."""
