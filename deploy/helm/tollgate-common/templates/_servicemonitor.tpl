{{/*
A Prometheus Operator ServiceMonitor. Every deployable is scraped over plain HTTP on its
metrics port: a service through its own Service, the gateway through its internal
metrics Service (tollgate-common.service.metrics), never through the public one.
Params: context, contract.
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
      {{- if ne .contract.protocol "grpc" }}
      app.kubernetes.io/component: metrics
      {{- end }}
  endpoints:
    - port: metrics
      scheme: http
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
