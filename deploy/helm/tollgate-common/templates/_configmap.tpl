{{/*
The non-secret environment of a deployable. Params: context, contract.
contract.protocol: grpc (a service) | https (the gateway).
contract.selfAudit: the audit service, which records its own events in-process.
*/}}
{{- define "tollgate-common.configmap.data" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
LOG_LEVEL: {{ $v.logLevel | quote }}
{{- if eq .contract.protocol "grpc" }}
GRPC_HOST: "0.0.0.0"
GRPC_PORT: {{ $v.containerPorts.grpc | quote }}
METRICS_PORT: {{ ternary $v.containerPorts.metrics 0 $v.metrics.enabled | quote }}
MONGO_DB: {{ $v.mongodb.database | quote }}
# The migrations Job applies them before the pods of a release start.
MIGRATE_ON_START: "false"
{{- else }}
GATEWAY_HOST: "0.0.0.0"
GATEWAY_PORT: {{ $v.containerPorts.https | quote }}
METRICS_PORT: {{ ternary $v.containerPorts.metrics 0 $v.metrics.enabled | quote }}
{{- if $v.tls.existingSecret }}
TLS_CERT: /etc/tollgate/tls/tls.crt
TLS_KEY: /etc/tollgate/tls/tls.key
{{- else }}
# No certificate given: the gateway makes a self-signed one in the pod's /tmp.
TLS_DEV_CERT_DIR: /tmp/tls
{{- end }}
{{- end }}
{{- if .contract.selfAudit }}
AUDIT_ADDR: {{ printf "127.0.0.1:%v" $v.containerPorts.grpc | quote }}
{{- end }}
{{- range $peer := $v.mesh.calls }}
{{ include "tollgate-common.mesh.addressVariable" $peer }}: {{ include "tollgate-common.mesh.address" (dict "context" $root "peer" $peer) | quote }}
{{- end }}
{{- with (index $v "priceTable") }}
{{- if or .data .existingConfigMap }}
PRICE_TABLE_FILE: {{ printf "/etc/tollgate/prices/%s" .key | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := $v.config }}
{{- if ne (toString $value) "" }}
{{ $name }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "tollgate-common.configmap" -}}
{{- $root := .context -}}
apiVersion: v1
kind: ConfigMap
metadata:
  {{- include "tollgate-common.labels.metadata" $root | nindent 2 }}
data:
  {{- include "tollgate-common.configmap.data" . | nindent 2 }}
{{- end -}}
