{{/*
Secrets. A chart's contract lists the variables it reads from a Secret (required and
optional). Their values come from, in order:
  1. secrets.existingSecret, else global.existingSecret: a Secret the operator manages
     (keys are the variable names unless secrets.existingSecretKeys maps them), or
  2. a Secret this chart renders from secrets.<camelCase> (e.g. TOKEN_PEPPER →
     secrets.tokenPepper), else global.secrets.<camelCase>.
A required variable with neither fails the render, naming what to set.
*/}}

{{- define "tollgate-common.secrets.existingName" -}}
{{- .Values.secrets.existingSecret | default (dig "existingSecret" "" (.Values.global | default dict)) -}}
{{- end -}}

{{- define "tollgate-common.secrets.name" -}}
{{- include "tollgate-common.secrets.existingName" . | default (include "tollgate-common.names.fullname" .) -}}
{{- end -}}

{{/* TOKEN_PEPPER → tokenPepper */}}
{{- define "tollgate-common.secrets.valueKey" -}}
{{- . | lower | camelcase | untitle -}}
{{- end -}}

{{/* The key inside the Secret that holds a variable. Params: context, variable. */}}
{{- define "tollgate-common.secrets.key" -}}
{{- $root := .context -}}
{{- if include "tollgate-common.secrets.existingName" $root -}}
{{- index ($root.Values.secrets.existingSecretKeys | default dict) .variable | default .variable -}}
{{- else -}}
{{- .variable -}}
{{- end -}}
{{- end -}}

{{/* The value of a variable for a chart-rendered Secret ("" when unset). Params: context, variable. */}}
{{- define "tollgate-common.secrets.value" -}}
{{- $root := .context -}}
{{- $key := include "tollgate-common.secrets.valueKey" .variable -}}
{{- $global := dig "secrets" dict ($root.Values.global | default dict) -}}
{{- index $root.Values.secrets $key | default (index $global $key) | default "" -}}
{{- end -}}

{{/*
The env entries for a contract's secret variables. Optional ones are referenced with
optional: true from an existing Secret, and left out of a rendered one when unset.
Params: context, contract, and secretName to read a rendered Secret other than the chart's.
*/}}
{{- define "tollgate-common.secrets.env" -}}
{{- $root := .context -}}
{{- $existing := include "tollgate-common.secrets.existingName" $root -}}
{{- $name := $existing | default .secretName | default (include "tollgate-common.secrets.name" $root) -}}
{{- range $variable := .contract.secrets.required }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ include "tollgate-common.secrets.key" (dict "context" $root "variable" $variable) }}
{{- end }}
{{- range $variable := .contract.secrets.optional | default list }}
{{- if or $existing (include "tollgate-common.secrets.value" (dict "context" $root "variable" $variable)) }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ include "tollgate-common.secrets.key" (dict "context" $root "variable" $variable) }}
      optional: true
{{- end }}
{{- end }}
{{- end -}}
