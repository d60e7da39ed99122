{{/*
What the identity chart asks of tollgate-common: a gRPC service, and the variables it
reads from a Secret. Everything else comes from values.yaml.
*/}}
{{- define "identity.contract" -}}
protocol: grpc
secrets:
  required: [SERVICE_TOKEN_SECRET, MONGO_URL, JWT_KEY_ENCRYPTION_KEY]
  optional: [BOOTSTRAP_ADMIN_PASSWORD]
{{- end -}}
