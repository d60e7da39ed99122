{{/*
Labels. `tollgate.io/service` is the chart name and cannot be overridden: the
NetworkPolicies of the other charts select callers and callees by it.
*/}}

{{- define "tollgate-common.labels.standard" -}}
helm.sh/chart: {{ include "tollgate-common.names.chart" . }}
{{ include "tollgate-common.labels.matchLabels" . }}
tollgate.io/service: {{ .Chart.Name }}
app.kubernetes.io/version: {{ include "tollgate-common.images.tag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tollgate
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Immutable in a Deployment selector: never add to this set. */}}
{{- define "tollgate-common.labels.matchLabels" -}}
app.kubernetes.io/name: {{ include "tollgate-common.names.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tollgate-common.labels.metadata" -}}
name: {{ include "tollgate-common.names.fullname" . }}
namespace: {{ include "tollgate-common.names.namespace" . }}
labels:
  {{- include "tollgate-common.labels.standard" . | nindent 2 }}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
