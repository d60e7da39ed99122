{{/*
The Service. A gRPC service is always ClusterIP: only the gateway may be exposed, and
only through its own service.type or Ingress. Params: context, contract.
*/}}
{{- define "tollgate-common.service" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "tollgate-common.names.fullname" $root }}
  namespace: {{ include "tollgate-common.names.namespace" $root }}
  labels:
    {{- include "tollgate-common.labels.standard" $root | nindent 4 }}
  {{- with merge (dict) ($v.service.annotations | default dict) ($v.commonAnnotations | default dict) }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- if eq .contract.protocol "grpc" }}
  type: ClusterIP
  ports:
    - name: grpc
      port: {{ $v.service.ports.grpc }}
      targetPort: grpc
      protocol: TCP
    {{- if $v.metrics.enabled }}
    - name: metrics
      port: {{ $v.service.ports.metrics }}
      targetPort: metrics
      protocol: TCP
    {{- end }}
  {{- else }}
  type: {{ $v.service.type }}
  {{- if and (ne $v.service.type "ClusterIP") $v.service.externalTrafficPolicy }}
  externalTrafficPolicy: {{ $v.service.externalTrafficPolicy }}
  {{- end }}
  {{- if and (eq $v.service.type "LoadBalancer") $v.service.loadBalancerSourceRanges }}
  loadBalancerSourceRanges:
    {{- toYaml $v.service.loadBalancerSourceRanges | nindent 4 }}
  {{- end }}
  ports:
    - name: https
      port: {{ $v.service.ports.https }}
      targetPort: https
      protocol: TCP
      {{- if and (eq $v.service.type "NodePort") $v.service.nodePorts.https }}
      nodePort: {{ $v.service.nodePorts.https }}
      {{- end }}
  {{- end }}
  selector:
    {{- include "tollgate-common.labels.matchLabels" $root | nindent 4 }}
{{- end -}}
