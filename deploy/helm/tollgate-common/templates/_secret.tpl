{{/* The chart's own Secret, unless an existing one is used. Params: context, contract. */}}
{{- define "tollgate-common.secret" -}}
{{- $root := .context -}}
{{- if not (include "tollgate-common.secrets.existingName" $root) }}
apiVersion: v1
kind: Secret
metadata:
  {{- include "tollgate-common.labels.metadata" $root | nindent 2 }}
type: Opaque
data:
  {{- include "tollgate-common.secret.data" . | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The data of a chart-rendered Secret. Params: context, contract. */}}
{{- define "tollgate-common.secret.data" -}}
{{- $root := .context -}}
{{- range $variable := .contract.secrets.required }}
{{- $value := include "tollgate-common.secrets.value" (dict "context" $root "variable" $variable) }}
{{- if not $value }}
{{- fail (printf "%s: %s is required: set secrets.%s (or global.secrets.%s), or point secrets.existingSecret / global.existingSecret at a Secret that holds %s" $root.Chart.Name $variable (include "tollgate-common.secrets.valueKey" $variable) (include "tollgate-common.secrets.valueKey" $variable) $variable) }}
{{- end }}
{{ $variable }}: {{ $value | b64enc | quote }}
{{- end }}
{{- range $variable := .contract.secrets.optional | default list }}
{{- $value := include "tollgate-common.secrets.value" (dict "context" $root "variable" $variable) }}
{{- if $value }}
{{ $variable }}: {{ $value | b64enc | quote }}
{{- end }}
{{- end }}
{{- end -}}
