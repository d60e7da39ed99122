{{/*
The gateway's Ingress: TLS at the edge, HTTPS again to the pod (the gateway never
speaks plain HTTP). Params: context.
*/}}
{{- define "tollgate-common.ingress" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
{{- $i := $v.ingress -}}
{{- if $i.enabled }}
{{- if and $i.tls (not $i.hostname) }}
{{- fail "ingress.tls needs ingress.hostname" }}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "tollgate-common.names.fullname" $root }}
  namespace: {{ include "tollgate-common.names.namespace" $root }}
  labels:
    {{- include "tollgate-common.labels.standard" $root | nindent 4 }}
  {{- with merge (dict) ($i.annotations | default dict) ($v.commonAnnotations | default dict) }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $i.ingressClassName }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if $i.tls }}
  tls:
    - hosts:
        - {{ $i.hostname | quote }}
      secretName: {{ $i.tlsSecretName | default (printf "%s-tls" (include "tollgate-common.names.fullname" $root)) }}
  {{- end }}
  rules:
    - {{- with $i.hostname }}
      host: {{ . | quote }}
      {{- end }}
      http:
        paths:
          - path: {{ $i.path }}
            pathType: {{ $i.pathType }}
            backend:
              service:
                name: {{ include "tollgate-common.names.fullname" $root }}
                port:
                  name: https
{{- end }}
{{- end -}}
