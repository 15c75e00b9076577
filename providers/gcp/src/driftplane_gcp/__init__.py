"""driftplane provider for Google Cloud Monitoring."""
