{{/*
What the token chart asks of tollgate-common: a gRPC service, and the variables it
reads from a Secret. Everything else comes from values.yaml.
*/}}
{{- define "token.contract" -}}
protocol: grpc
secrets:
  required: [SERVICE_TOKEN_SECRET, MONGO_URL, TOKEN_PEPPER]
  optional: [BOOTSTRAP_TOKEN]
{{- end -}}
