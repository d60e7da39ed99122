{{/* Params: context. */}}
{{- define "tollgate-common.pdb" -}}
{{- $root := .context -}}
{{- $p := $root.Values.pdb -}}
{{- if $p.create }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "tollgate-common.labels.metadata" $root | nindent 2 }}
spec:
  {{- if not (kindIs "invalid" $p.minAvailable) }}
  minAvailable: {{ $p.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $p.maxUnavailable }}
  {{- end }}
  {{- with $p.unhealthyPodEvictionPolicy }}
  unhealthyPodEvictionPolicy: {{ . }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "tollgate-common.labels.matchLabels" $root | nindent 6 }}
{{- end }}
{{- end -}}
