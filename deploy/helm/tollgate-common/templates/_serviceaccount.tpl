{{/* Tollgate pods never talk to the Kubernetes API: no token is mounted. Params: context. */}}
{{- define "tollgate-common.serviceaccount" -}}
{{- $root := .context -}}
{{- if $root.Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "tollgate-common.names.serviceAccountName" $root }}
  namespace: {{ include "tollgate-common.names.namespace" $root }}
  labels:
    {{- include "tollgate-common.labels.standard" $root | nindent 4 }}
  {{- with merge (dict) ($root.Values.serviceAccount.annotations | default dict) ($root.Values.commonAnnotations | default dict) }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}
