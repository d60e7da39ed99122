{{/*
Probes. gRPC services use the kubelet's native gRPC probe (grpc.health.v1) on the
container's gRPC port; the gateway uses HTTPS GETs on its own port. Each probe's
enabled/path/service keys are ours; the rest (periods, thresholds) pass through.
Params: protocol, probe (the values block), ports (containerPorts).
*/}}
{{- define "tollgate-common.probes.probe" -}}
{{- if eq .protocol "grpc" }}
grpc:
  port: {{ .ports.grpc }}
  {{- with .probe.service }}
  service: {{ . | quote }}
  {{- end }}
{{- else }}
httpGet:
  path: {{ .probe.path }}
  port: https
  scheme: HTTPS
{{- end }}
{{- with omit .probe "enabled" "path" "service" }}
{{ toYaml . }}
{{- end }}
{{- end -}}
