"""driftplane provider for Azure Machine Learning."""
