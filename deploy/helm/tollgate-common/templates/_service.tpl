{{/*
The Service. A gRPC service is always ClusterIP: only the gateway may be exposed, and
only through its own service.type or Ingress, on its HTTPS port alone (its metrics port
has a ClusterIP Service of its own, below). Params: context, contract.
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

{{/*
The gateway's metrics Service: ClusterIP, the metrics port only, for Prometheus (the
ServiceMonitor selects it by app.kubernetes.io/component=metrics). The public Service and
the Ingress never carry the metrics port, whatever service.type is. Nothing for a gRPC
service, whose own ClusterIP Service already has it. Params: context, contract.
*/}}
{{- define "tollgate-common.service.metrics" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
{{- if and (ne .contract.protocol "grpc") $v.metrics.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ printf "%s-metrics" (include "tollgate-common.names.fullname" $root) | trunc 63 | trimSuffix "-" }}
  namespace: {{ include "tollgate-common.names.namespace" $root }}
  labels:
    {{- include "tollgate-common.labels.standard" $root | nindent 4 }}
    app.kubernetes.io/component: metrics
  {{- with $v.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: ClusterIP
  ports:
    - name: metrics
      port: {{ $v.service.ports.metrics }}
      targetPort: metrics
      protocol: TCP
  selector:
    {{- include "tollgate-common.labels.matchLabels" $root | nindent 4 }}
{{- end }}
{{- end -}}
