"""Generated CI/CD artefacts (CodeBuild buildspecs, a CodePipeline CloudFormation template,
GitHub Actions workflows), built as data in code and dumped once. Offline: no boto3 here."""
