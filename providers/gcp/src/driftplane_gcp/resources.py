"""The monitored resources custom metrics may be written to, and the labels each needs.

Cloud Monitoring refuses a point on any other resource type ("Metrics cannot be written to
cloud_run_revision") and a point whose resource lacks one of its type's labels. Both are
checked when the settings are read, so ``validate`` says so instead of the first ``run``.
Kept apart from ``series`` so the settings can use it without importing the metric code.
"""

from __future__ import annotations

from collections.abc import Mapping

# Every label of each writable type (Cloud Monitoring's monitored-resource list).
RESOURCE_LABELS: dict[str, tuple[str, ...]] = {
    "aws_ec2_instance": ("project_id", "instance_id", "region", "aws_account"),
    "dataflow_job": ("project_id", "job_name", "region"),
    "gce_instance": ("project_id", "instance_id", "zone"),
    "gke_container": (
        "project_id",
        "cluster_name",
        "namespace_id",
        "instance_id",
        "pod_id",
        "container_name",
        "zone",
    ),
    "generic_node": ("project_id", "location", "namespace", "node_id"),
    "generic_task": ("project_id", "location", "namespace", "job", "task_id"),
    "global": ("project_id",),
    "k8s_cluster": ("project_id", "location", "cluster_name"),
    "k8s_container": ("project_id", "location", "cluster_name", "namespace_name", "pod_name", "container_name"),
    "k8s_node": ("project_id", "location", "cluster_name", "node_name"),
    "k8s_pod": ("project_id", "location", "cluster_name", "namespace_name", "pod_name"),
}
WRITABLE_RESOURCES = tuple(sorted(RESOURCE_LABELS))

# Labels driftplane fills in itself (see series.resource_for); the rest name a machine or
# cluster driftplane cannot know, so the settings must give them.
_DEFAULTED: dict[str, tuple[str, ...]] = {
    "generic_task": ("location", "namespace", "job", "task_id"),
    "generic_node": ("location", "namespace", "node_id"),
}


def defaulted_labels(resource_type: str) -> tuple[str, ...]:
    """The labels driftplane sets when resource_labels leaves them out."""
    return ("project_id", *_DEFAULTED.get(resource_type, ()))


def label_problems(resource_type: str, configured: Mapping[str, str]) -> list[str]:
    """What is wrong with ``configured`` as the labels of ``resource_type`` (nothing: [])."""
    labels = RESOURCE_LABELS[resource_type]
    problems = []
    unknown = [key for key in configured if key not in labels]
    if unknown:
        problems.append(
            f"resource_labels has {', '.join(unknown)}, which resource_type {resource_type} does not have; "
            f"its labels are {', '.join(labels)}"
        )
    missing = [key for key in labels if key not in configured and key not in defaulted_labels(resource_type)]
    if missing:
        example = ", ".join(f"{key}: ..." for key in missing)
        problems.append(
            f"resource_type {resource_type} needs the resource label{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}, which driftplane cannot fill in; set them under "
            f"providers.gcp.resource_labels ({{{example}}}), or use resource_type generic_task (the default), "
            "which needs none"
        )
    return problems
