{{/*
What the audit chart asks of tollgate-common: a gRPC service, and the variables it
reads from a Secret. Everything else comes from values.yaml.
*/}}
{{- define "audit.contract" -}}
protocol: grpc
secrets:
  required: [SERVICE_TOKEN_SECRET, MONGO_URL, WEBHOOK_SECRET_KEYS]
  optional: []
# Audit records its own events in-process: AUDIT_ADDR names itself.
selfAudit: true
{{- end -}}
