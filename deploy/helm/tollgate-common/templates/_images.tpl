{{/*
The container image: [registry/]repository[:tag][@digest]. global.imageRegistry (set
once in the umbrella chart, e.g. for a mirror) replaces every chart's image.registry;
the tag is image.tag, else global.imageTag, else the chart's appVersion.
*/}}
{{- define "tollgate-common.images.tag" -}}
{{- .Values.image.tag | default (dig "imageTag" "" (.Values.global | default dict)) | default .Chart.AppVersion | toString -}}
{{- end -}}

{{- define "tollgate-common.images.image" -}}
{{- $global := .Values.global | default dict -}}
{{- $registry := dig "imageRegistry" "" $global | default .Values.image.registry -}}
{{- $tag := include "tollgate-common.images.tag" . -}}
{{- $ref := .Values.image.repository -}}
{{- if $registry }}{{ $ref = printf "%s/%s" $registry $ref }}{{ end -}}
{{- if $tag }}{{ $ref = printf "%s:%s" $ref $tag }}{{ end -}}
{{- if .Values.image.digest }}{{ $ref = printf "%s@%s" $ref .Values.image.digest }}{{ end -}}
{{- $ref -}}
{{- end -}}

{{- define "tollgate-common.images.pullSecrets" -}}
{{- $global := .Values.global | default dict -}}
{{- $secrets := concat (.Values.image.pullSecrets | default list) (dig "imagePullSecrets" list $global) | uniq -}}
{{- if $secrets }}
imagePullSecrets:
  {{- range $secrets }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}
