{{/*
What the provider-key chart asks of tollgate-common: a gRPC service, and the variables it
reads from a Secret. Everything else comes from values.yaml.
*/}}
{{- define "provider-key.contract" -}}
protocol: grpc
secrets:
  required: [SERVICE_TOKEN_SECRET, MONGO_URL, PROVIDER_KEY_ENCRYPTION_KEYS, IP_TOKEN_KEY]
  optional: []
{{- end -}}
