{{/*
What the budget chart asks of tollgate-common: a gRPC service, and the variables it
reads from a Secret. Everything else comes from values.yaml.
*/}}
{{- define "budget.contract" -}}
protocol: grpc
secrets:
  required: [SERVICE_TOKEN_SECRET, MONGO_URL]
  optional: []
{{- end -}}
