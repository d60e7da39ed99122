{{/*
Names. A Tollgate chart is named after its deployable (gateway, identity, token, budget,
provider-key, audit); resources are "<release>-<chart>" unless the release name already
contains the chart name, or fullnameOverride says otherwise.
*/}}

{{- define "tollgate-common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-<name>", or the release alone when it already contains the name. */}}
{{- define "tollgate-common.names.releaseScoped" -}}
{{- if contains .name .release -}}
{{- .release | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .release .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tollgate-common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "tollgate-common.names.releaseScoped" (dict "release" .Release.Name "name" (include "tollgate-common.names.name" .)) -}}
{{- end -}}
{{- end -}}

{{- define "tollgate-common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tollgate-common.names.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tollgate-common.names.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tollgate-common.names.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}
