{{/*
What the gateway chart asks of tollgate-common: an HTTPS server (probes and the public
port; Prometheus metrics over plain HTTP on a separate port with its own ClusterIP
Service), and the variables it reads from a Secret. Everything else comes from values.yaml.
*/}}
{{- define "gateway.contract" -}}
protocol: https
secrets:
  required: [SERVICE_TOKEN_SECRET, REDIS_URL]
  optional: []
{{- end -}}
