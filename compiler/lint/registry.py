"""The rules table: every rule's id, level, controls and help, and the function that checks it.

Ids are stable (L1xx security, L2xx model governance, L3xx data handling); the README's
rules table is generated from this table (tools/gen_lint_docs.py), so they cannot drift.
"""

from __future__ import annotations

from . import rules_data as data
from . import rules_governance as gov
from . import rules_security as sec
from .findings import Rule

CSF, SOC2, AIA = "NIST CSF", "SOC 2", "EU AI Act"

RULES = (
    Rule("L101", "kms-encryption", "Every job encrypts its storage volume and its outputs with a KMS key", "error",
         (f"{CSF} PR.DS-1", f"{SOC2} CC6.1"),
         "Processing, check, training, tuning and transform jobs need a volume KMS key and an output KMS key in their "
         "compiled requests (VolumeKmsKeyId, KmsKeyId). Set them in the pipeline's security settings. With "
         "`kms_keys:` in the policy, the keys must be among those listed.", sec.check_kms),
    Rule("L102", "vpc", "Every job that can run in a VPC does", "warning",
         (f"{CSF} PR.AC-5", f"{SOC2} CC6.6"),
         "Processing, check, training and tuning jobs and models get a VpcConfig (subnets and security groups); a "
         "transform job runs in its model's VPC. With `subnets:` in the policy, every subnet must be among those "
         "listed.", sec.check_vpc),
    Rule("L103", "network-isolation", "Network isolation wherever the job's image allows it", "warning",
         (f"{CSF} PR.DS-5", f"{SOC2} CC6.6"),
         "An isolated container can make no network call (SageMaker still moves its inputs and outputs). Built-in "
         "algorithms, framework images in script mode (their code arrives as an input, or as the 'code' channel) "
         "and processing jobs allow it. Exempt, because their containers call out themselves: the Chainer and "
         "Reinforcement Learning images (AWS: 'Run Training and Inference Containers in Internet-Free Mode') and "
         "Clarify's model bias and explainability jobs (they start a shadow endpoint). A custom image that needs "
         "the network is waived in the YAML, with the reason.", sec.check_isolation),
    Rule("L104", "inter-container-encryption", "Multi-instance jobs encrypt traffic between their instances", "error",
         (f"{CSF} PR.DS-2", f"{SOC2} CC6.7"),
         "A job whose instance count is above 1, or set at run time (a parameter can raise it), needs "
         "EnableInterContainerTrafficEncryption.", sec.check_inter_container),
    Rule("L201", "manual-approval", "Registered models wait for human approval by default", "error",
         (f"{SOC2} CC8.1", f"{AIA} Art. 14"),
         "ModelApprovalStatus must be PendingManualApproval, or a parameter that defaults to it (a run may still "
         "approve explicitly). Auto-approval needs a waiver with its reason.", gov.check_approval),
    Rule("L202", "model-card", "Every registration carries a model card with intended uses and a risk rating",
         "warning", (f"{AIA} Art. 11", f"{AIA} Art. 13"),
         "The registered version's ModelCard content states intended_uses.intended_uses and "
         "intended_uses.risk_rating (High, Medium or Low).", gov.check_model_card),
    Rule("L203", "bias-check", "A data bias check runs before every registration", "warning",
         (f"{AIA} Art. 10",),
         "A ClarifyCheck step with CheckType DATA_BIAS must be upstream of each RegisterModel step in the DAG "
         "(through references, depends_on or condition branches). A check with SkipCheck set to true does not "
         "count; one whose SkipCheck is a parameter does (SageMaker's baseline lifecycle skips the first run).",
         gov.check_bias),
    Rule("L204", "data-quality-check", "A data quality check runs before every registration", "warning",
         (f"{AIA} Art. 10",),
         "A QualityCheck step with CheckType DATA_QUALITY must be upstream of each RegisterModel step in the DAG; "
         "SkipCheck as for L203.", gov.check_data_quality),
    Rule("L301", "declared-buckets", "S3 URIs only in the pipeline's declared buckets", "error",
         (f"{CSF} PR.DS-5", f"{SOC2} CC6.1"),
         "Every S3 URI whose bucket is known at compile time (literals, and joins with a literal bucket), in the "
         "steps and in parameter defaults, is in pipeline.bucket or the policy's `buckets:`.", data.check_buckets),
    Rule("L302", "no-credentials", "No credentials in parameter defaults, environment variables or hyperparameters",
         "error", (f"{CSF} PR.AC-1", f"{SOC2} CC6.1"),
         "Finds AWS access key ids, private keys, GitHub and Slack tokens, JSON web tokens and passwords in URLs by "
         "pattern, and literal values under secret-looking names (PASSWORD, SECRET, TOKEN, API_KEY, ...), which "
         "also catches AWS secret access keys. Pass a Secrets Manager or SSM ARN instead and read it at run time. "
         "Findings never repeat the value.", data.check_credentials),
    Rule("L303", "required-tags", "The pipeline carries the policy's required tags", "warning",
         (f"{CSF} ID.AM-2", f"{SOC2} CC6.1"),
         "Every key in the policy's `required_tags:` is in pipeline.tags with a non-empty value.", data.check_tags),
)

BY_ID = {r.id: r for r in RULES}
