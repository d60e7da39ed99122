{{/*
A Prometheus Operator ServiceMonitor. Services are scraped over HTTP on their metrics
port; the gateway over HTTPS on its only port. Params: context, contract.
*/}}
{{- define "tollgate-common.servicemonitor" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
{{- $sm := $v.metrics.serviceMonitor -}}
{{- if and $v.metrics.enabled $sm.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "tollgate-common.names.fullname" $root }}
  namespace: {{ $sm.namespace | default (include "tollgate-common.names.namespace" $root) }}
  labels:
    {{- include "tollgate-common.labels.standard" $root | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $v.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  jobLabel: app.kubernetes.io/name
  namespaceSelector:
    matchNames:
      - {{ include "tollgate-common.names.namespace" $root }}
  selector:
    matchLabels:
      {{- include "tollgate-common.labels.matchLabels" $root | nindent 6 }}
  endpoints:
    {{- if eq .contract.protocol "grpc" }}
    - port: metrics
      scheme: http
    {{- else }}
    - port: https
      scheme: https
      tlsConfig:
        {{- toYaml $sm.tlsConfig | nindent 8 }}
    {{- end }}
      path: /metrics
      {{- with $sm.interval }}
      interval: {{ . }}
      {{- end }}
      {{- with $sm.scrapeTimeout }}
      scrapeTimeout: {{ . }}
      {{- end }}
      honorLabels: {{ $sm.honorLabels }}
      {{- with $sm.relabelings }}
      relabelings:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $sm.metricRelabelings }}
      metricRelabelings:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end -}}
