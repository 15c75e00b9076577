"""driftplane validate --provider aws: what AWS cannot take is refused with its place in the file."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from driftplane.cli import cli

from .conftest import REPO

SETTINGS = """\
provider: aws
providers:
  aws:
    region: eu-west-1
    role_arn: arn:aws:iam::123456789012:role/SageMaker
    output_s3_uri: s3://bucket/driftplane
"""
# What model-monitor needs (SageMaker's own drift metric, compared with the threshold as it is),
# indented as a monitor's key.
SAGEMAKER_CHECKS = """\
    checks: {drift: {numerical: {metric: linf_robust, threshold: 0.1}, categorical: {metric: linf_robust, threshold: 0.1}, noise_correction: false}}
"""  # noqa: E501


def validate(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "monitors.yaml"
    path.write_text(textwrap.dedent(text))
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "aws"])
    return result.exit_code, result.stderr.replace(str(path), "F")


def test_the_examples_are_valid() -> None:
    for example in (
        "examples/aws/monitors.yaml",
        "examples/aws/processing/monitors.yaml",
        "examples/aws/model-quality.yaml",
    ):
        result = CliRunner().invoke(cli, ["validate", str(REPO / example)])
        assert result.exit_code == 0, result.stderr
        assert "for the aws provider" in result.stdout


def test_weekly_is_refused_for_model_monitor_with_the_line(tmp_path) -> None:
    code, err = validate(
        tmp_path,
        SETTINGS
        + """\
monitors:
  churn:
    baseline: {data: train.parquet}
    target: {endpoint: churn-prod}
    schedule: weekly
""",
    )
    assert code == 2
    assert (
        "F:11:15: monitors.churn.schedule: SageMaker Model Monitor "
        "runs only hourly, daily at a fixed hour, or every N hours" in err
    )
    assert "'weekly' cannot be expressed: use daily, or backend: processing" in err


def test_cloud_specific_problems_are_each_located(tmp_path) -> None:
    code, err = validate(
        tmp_path,
        SETTINGS
        + """\
    instance_type: ml.m5.huge
monitors:
  churn:
    baseline: {lag: 7d}
    target: {data: data/scores/*.parquet, window: 1d}
    schedule: "30 2 * * *"
    checks:
      drift:
        numerical: {metric: psi, threshold: 0.2}
  fraud:
    baseline: {data: train.csv}
    target: {endpoint: fraud_endpoint!}
""",
    )
    assert code == 2
    assert "F:7:20: providers.aws.instance_type: 'ml.m5.huge' is not a SageMaker processing instance type" in err
    assert "monitors.churn.baseline.lag: SageMaker Model Monitor compares with fixed baseline files" in err
    assert "monitors.churn.target.data: SageMaker jobs read the target from S3" in err
    assert (
        "monitors.churn.schedule: SageMaker Model Monitor runs only hourly" in err
        and "'30 2 * * *' cannot be expressed" in err
    )
    assert (
        "monitors.churn.checks.drift.numerical.metric: SageMaker "
        "Model Monitor measures drift as its L-infinity distance" in err
    )
    assert (
        "the numerical metric is psi: set checks.drift.numerical.metric: linf_robust" in err
        and "or use backend: processing" in err
    )
    assert "monitors.fraud.target.endpoint: 'fraud_endpoint!' is not a SageMaker endpoint name" in err


def test_missing_settings_say_what_is_needed(tmp_path) -> None:
    code, err = validate(
        tmp_path,
        """\
provider: aws
providers:
  aws: {backend: processing, region: eu-west-1}
monitors:
  churn:
    baseline: {data: train.parquet}
    target: {data: "s3://b/scores/*.parquet"}
""",
    )
    assert code == 2
    assert "providers.aws: role_arn is needed" in err
    assert "providers.aws: output_s3_uri is needed" in err
    assert "providers.aws: image_uri is needed with backend: processing" in err


def test_bad_settings_values_are_refused_by_the_model(tmp_path) -> None:
    code, err = validate(
        tmp_path,
        """\
provider: aws
providers:
  aws: {region: eu-west-1, role_arn: "my-role", output_s3_uri: "https://bucket", name_prefix: "drift_plane"}
monitors:
  churn:
    baseline: {data: train.parquet}
    target: {endpoint: churn}
""",
    )
    assert code == 2
    for key in ("providers.aws.role_arn", "providers.aws.output_s3_uri", "providers.aws.name_prefix"):
        assert key in err


def test_processing_accepts_what_sagemaker_cannot_schedule(tmp_path) -> None:
    code, err = validate(
        tmp_path,
        """\
provider: aws
providers:
  aws:
    backend: processing
    region: eu-west-1
    role_arn: arn:aws:iam::123456789012:role/SageMaker
    output_s3_uri: s3://bucket/driftplane
    image_uri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/driftplane:1
monitors:
  churn:
    baseline: {lag: 7d}
    target: {data: "s3://ml-scores/scores/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet", window: 1d}
    schedule: weekly
    checks: {drift: {numerical: {metric: psi, threshold: 0.2}}}
""",
    )
    assert code == 0, err


def test_a_violation_alert_on_model_monitor_is_refused_not_turned_into_drift_alarms(tmp_path) -> None:
    code, err = validate(
        tmp_path,
        SETTINGS
        + """\
monitors:
  churn:
    baseline: {data: train.parquet}
    target: {endpoint: churn-prod}
    alerts:
      - {name: drifted, when: drift, notify: ["email:ml@example.com"]}
      - {name: quality, when: violation, notify: ["email:ml@example.com"]}
""",
    )
    assert code == 2
    assert (
        "F:13:31: monitors.churn.alerts[1].when: alert 'quality': "
        "SageMaker Model Monitor publishes CloudWatch metrics for drift" in err
    )
    assert "none for violations" in err and "backend: processing" in err


PROCESSING = """\
provider: aws
providers:
  aws:
    backend: processing
    region: eu_west_1
    role_arn: arn:aws:iam::123456789012:role/SageMaker
    output_s3_uri: s3://bucket/driftplane
    image_uri: "not an image"
    max_runtime_seconds: 100000
monitors:
  churn:
    baseline: {data: "s3://Bad_Bucket/train.parquet"}
    target: {data: "s3://Bad_Bucket/x/*.parquet", window: 1d}
"""


def test_settings_typos_are_explained_on_every_backend(tmp_path) -> None:
    code, err = validate(tmp_path, PROCESSING)
    assert code == 2
    assert (
        "F:5:13: providers.aws.region: 'eu_west_1' is not an AWS region "
        "name (like eu-west-1 or us-east-1); did you mean eu-west-1?" in err
    )
    assert "F:8:16: providers.aws.image_uri: 'not an image' is not a container image reference" in err
    assert "123456789012.dkr.ecr.eu-west-1.amazonaws.com/driftplane:0.1.0" in err
    assert (
        "monitors.churn.baseline.data: 's3://Bad_Bucket/train.parquet': the bucket name must be 3-63 lower-case" in err
    )
    assert "monitors.churn.target.data: 's3://Bad_Bucket/x/*.parquet': the bucket name must be 3-63 lower-case" in err
    assert "max_runtime_seconds" not in err  # a processing job may run 777600 seconds
    assert "arn:aws:sns:eu_west_1" not in err

    code, err = validate(tmp_path, PROCESSING.replace("backend: processing", "backend: model-monitor"))
    assert "did you mean eu-west-1?" in err and "analyzer is not offered" not in err
    assert (
        "providers.aws.max_runtime_seconds: a Model Monitor job runs at most 86400 seconds (1 day), not 100000" in err
    )

    fixed = PROCESSING.replace("eu_west_1", "eu-west-1").replace(
        '"not an image"', "123456789012.dkr.ecr.eu-west-1.amazonaws.com/driftplane@sha256:" + "a" * 64
    )
    code, err = validate(tmp_path, fixed.replace("Bad_Bucket", "ml-data"))
    assert code == 0, err


def test_role_and_s3_settings_say_what_is_expected(tmp_path) -> None:
    code, err = validate(
        tmp_path,
        """\
provider: aws
providers:
  aws: {region: eu-west-1, role_arn: "arn:aws:iam::123456789012:user/alice", scheduler_role_arn: "SageMakerRole", output_s3_uri: "s3://Bad_Bucket/x"}
monitors:
  churn:
    baseline: {data: train.parquet}
    target: {endpoint: churn}
""",  # noqa: E501
    )
    assert code == 2
    assert (
        "'arn:aws:iam::123456789012:user/alice' is an IAM user; SageMaker and EventBridge Scheduler assume roles" in err
    )
    assert (
        "'SageMakerRole' is not an IAM role ARN: expected arn:aws:iam::<12-digit "
        "account>:role/<name>, e.g. arn:aws:iam::123456789012:role/SageMakerMonitoring" in err
    )
    assert "'s3://Bad_Bucket/x': the bucket name must be 3-63 lower-case letters" in err
    assert "should match pattern" not in err and "^arn" not in err


def test_model_monitor_sends_no_time_offsets_and_refuses_windows_it_cannot_set(tmp_path) -> None:
    """botocore documents Start/EndTimeOffset for model-quality jobs only: a data-quality job gets none."""
    body = SETTINGS + """\
monitors:
  churn:
    baseline: {data: train.parquet}
    target: {endpoint: churn-prod, window: 2d, latency: 1h}
    schedule: daily
""" + SAGEMAKER_CHECKS
    code, err = validate(tmp_path, body)
    assert code == 2
    assert (
        "monitors.churn.target.latency: SageMaker Model Monitor decides which captured data each data-quality run reads"
        in err
    )
    code, err = validate(tmp_path, body.replace(", window: 2d, latency: 1h", ", window: 1d"))
    assert code == 0, err

    from driftplane.spec import load_spec
    from driftplane_aws.settings import AwsSettings
    from driftplane_aws.translate import Account, Translator

    spec = load_spec(tmp_path / "monitors.yaml")
    translator = Translator(spec, AwsSettings(**spec.providers["aws"]), Account("eu-west-1", "123456789012"))
    endpoint_input = translator.job_input("churn")["EndpointInput"]
    assert "StartTimeOffset" not in endpoint_input and "EndTimeOffset" not in endpoint_input


def test_a_count_alert_over_more_features_than_an_alarm_combines_is_located_at_the_alert(tmp_path) -> None:
    """min_features counts over every feature the baseline has when the alert lists none; a
    CloudWatch metric-math alarm combines at most 10 metrics, so 11 features must be refused
    by validate (exit 2, at the alert), not first by plan (exit 3)."""
    import shutil

    shutil.copy(REPO / "examples/quickstart/data/train.parquet", tmp_path / "train.parquet")  # 12 columns
    text = PROCESSING.replace("eu_west_1", "eu-west-1").replace(
        '"not an image"', "123456789012.dkr.ecr.eu-west-1.amazonaws.com/driftplane:0.1.0"
    )
    text = text.replace("max_runtime_seconds: 100000", "max_runtime_seconds: 3600").replace("Bad_Bucket", "bucket")
    text = text.replace('baseline: {data: "s3://bucket/train.parquet"}', "baseline: {data: train.parquet}")
    code, err = validate(
        tmp_path,
        text
        + """\
    schedule: daily
    alerts:
      - {name: several drifted, when: drift, min_features: 3, notify: ["email:ml@example.com"]}
""",
    )
    assert code == 2, err
    assert (
        "F:16:60: monitors.churn.alerts[0].min_features: alert 'several drifted' counts drifted features among 12"
        in err
    )
    assert "at most 10" in err and "features" in err

    # Excluding two leaves 10: one alarm can count them, so the spec is valid.
    code, err = validate(tmp_path, text + """\
    features: {exclude: [customer_id, state]}
    schedule: daily
    alerts:
      - {name: several drifted, when: drift, min_features: 3, notify: ["email:ml@example.com"]}
""")
    assert code == 0, err


def test_name_prefix_longer_than_20_is_refused_in_words(tmp_path) -> None:
    """The doc promises 1-20 letters, digits and '-': hyphens count too, and the message says it in words."""
    for prefix, length in (("abcdefghijklmnopqrstu", 21), ("a--------------------b", 22)):
        code, err = validate(
            tmp_path,
            SETTINGS
            + f"""\
    name_prefix: {prefix}
monitors:
  churn:
    baseline: {{data: train.parquet}}
    target: {{endpoint: churn-prod}}
"""
            + SAGEMAKER_CHECKS,
        )
        assert code == 2, err
        assert f"providers.aws.name_prefix: '{prefix}' is {length} characters; name_prefix may have at most 20" in err
        assert "^[a-zA-Z0-9]" not in err  # never the raw regex
    code, err = validate(
        tmp_path,
        SETTINGS + "    name_prefix: ml-team-drift\nmonitors:\n  churn:\n    baseline: "
        "{data: train.parquet}\n    target: {endpoint: churn-prod}\n" + SAGEMAKER_CHECKS,
    )
    assert code == 0, err
