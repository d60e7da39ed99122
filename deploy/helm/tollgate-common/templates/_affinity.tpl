{{/*
Scheduling. `affinity` wins when set; otherwise podAntiAffinityPreset spreads replicas
over nodes: soft (preferred, the default) or hard (required; needs as many nodes as
replicas).
*/}}
{{- define "tollgate-common.affinity" -}}
{{- if .Values.affinity -}}
{{- toYaml .Values.affinity -}}
{{- else if eq .Values.podAntiAffinityPreset "soft" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "tollgate-common.labels.matchLabels" . | nindent 12 }}
{{- else if eq .Values.podAntiAffinityPreset "hard" -}}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "tollgate-common.labels.matchLabels" . | nindent 10 }}
{{- end -}}
{{- end -}}
