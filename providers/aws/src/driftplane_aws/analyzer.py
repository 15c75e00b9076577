"""SageMaker's managed analyzer image per region (sagemaker-core's image table, no tag)."""

from __future__ import annotations

ANALYZER_ACCOUNTS = {
    "af-south-1": "875698925577",
    "ap-east-1": "001633400207",
    "ap-northeast-1": "574779866223",
    "ap-northeast-2": "709848358524",
    "ap-northeast-3": "990339680094",
    "ap-south-1": "126357580389",
    "ap-southeast-1": "245545462676",
    "ap-southeast-2": "563025443158",
    "ap-southeast-3": "669540362728",
    "ca-central-1": "536280801234",
    "cn-north-1": "453000072557",
    "cn-northwest-1": "453252182341",
    "eu-central-1": "048819808253",
    "eu-central-2": "590183933784",
    "eu-north-1": "895015795356",
    "eu-south-1": "933208885752",
    "eu-south-2": "437450045455",
    "eu-west-1": "468650794304",
    "eu-west-2": "749857270468",
    "eu-west-3": "680080141114",
    "il-central-1": "843974653677",
    "me-central-1": "588750061953",
    "me-south-1": "607024016150",
    "sa-east-1": "539772159869",
    "us-east-1": "156813124566",
    "us-east-2": "777275614652",
    "us-west-1": "890145073186",
    "us-west-2": "159807026194",
    "us-isof-east-1": "853188333426",
    "us-isof-south-1": "467912361380",
}


def analyzer_image(region: str) -> str:
    """The model-monitor analyzer image URI; KeyError for a region without one."""
    account = ANALYZER_ACCOUNTS[region]
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{account}.dkr.ecr.{region}.{domain}/sagemaker-model-monitor-analyzer"


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso"):
        return "aws-iso-f" if region.startswith("us-isof") else "aws-iso"
    return "aws"
