# The infrastructure of the API: a Deployment, its Service and a Secret, changed by one variable,
# `image`, that stagecraft deploy-env passes (`-var image=<repo>@sha256:…`).
#
# This example models the objects with Terraform's builtin `terraform_data` so that it plans and
# applies anywhere (and offline in the tests); a real module declares kubernetes_deployment_v1,
# kubernetes_service_v1 and kubernetes_secret_v1 with the same variable.
terraform {
  required_version = ">= 1.4"
}

variable "image" {
  type        = string
  description = "Image of the API, set by the pipeline"
}

variable "replicas" {
  type    = number
  default = 2
}

resource "terraform_data" "secret" {
  input = { name = "api-secrets", keys = ["UPLOAD_BUCKET", "DATABASE_URL"] }
}

resource "terraform_data" "deployment" {
  input            = { name = "api", image = var.image, replicas = var.replicas, secret = terraform_data.secret.output.name }
  triggers_replace = [var.image]
}

resource "terraform_data" "service" {
  input = { name = "api", selector = terraform_data.deployment.output.name, port = 80, target_port = 8080 }
}

output "image" {
  value = terraform_data.deployment.output.image
}
