{{/*
Standard resource sizes, used when `resources` is empty. Requests are what the
scheduler reserves; limits cap a runaway process (memory is the one that matters for
Node: a heap past the limit is OOM-killed, so size the preset to the workload).
*/}}
{{- define "tollgate-common.resources.presets" -}}
nano:
  requests: { cpu: 50m, memory: 96Mi, ephemeral-storage: 50Mi }
  limits: { cpu: 250m, memory: 192Mi, ephemeral-storage: 1Gi }
micro:
  requests: { cpu: 100m, memory: 128Mi, ephemeral-storage: 50Mi }
  limits: { cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi }
small:
  requests: { cpu: 250m, memory: 256Mi, ephemeral-storage: 50Mi }
  limits: { cpu: "1", memory: 512Mi, ephemeral-storage: 1Gi }
medium:
  requests: { cpu: 500m, memory: 512Mi, ephemeral-storage: 50Mi }
  limits: { cpu: "2", memory: 1Gi, ephemeral-storage: 1Gi }
large:
  requests: { cpu: "1", memory: 1Gi, ephemeral-storage: 50Mi }
  limits: { cpu: "4", memory: 2Gi, ephemeral-storage: 2Gi }
{{- end -}}

{{- define "tollgate-common.resources" -}}
{{- if .Values.resources -}}
{{- toYaml .Values.resources -}}
{{- else -}}
{{- $presets := include "tollgate-common.resources.presets" . | fromYaml -}}
{{- if not (hasKey $presets .Values.resourcesPreset) -}}
{{- fail (printf "resourcesPreset %q is not one of %s" .Values.resourcesPreset (keys $presets | sortAlpha | join ", ")) -}}
{{- end -}}
{{- index $presets .Values.resourcesPreset | toYaml -}}
{{- end -}}
{{- end -}}
