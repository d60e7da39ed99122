{{/*
The deployable's NetworkPolicy. It selects the pods and lists both policy types, so
everything it does not allow is denied, in both directions:

  ingress  gRPC from mesh.callers only (the gateway: HTTPS from clients), and the
           metrics port (plain HTTP, every deployable) from Prometheus only
  egress   DNS; gRPC to mesh.calls only; a service's MongoDB; the gateway's Redis and
           the LLM providers, audit's webhook receivers (HTTPS to public addresses only)

Peers are matched by the tollgate.io/service label in this namespace.
Params: context, contract.
*/}}
{{- define "tollgate-common.networkpolicy" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
{{- $np := $v.networkPolicy -}}
{{- $grpc := eq .contract.protocol "grpc" -}}
{{- if $np.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "tollgate-common.labels.metadata" $root | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "tollgate-common.labels.matchLabels" $root | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- if $grpc }}
    {{- with $v.mesh.callers }}
    # gRPC from the services that call this one, and from nothing else.
    - from:
        - {{ include "tollgate-common.mesh.podSelector" . | nindent 10 | trim }}
      ports:
        - port: {{ $v.containerPorts.grpc }}
          protocol: TCP
    {{- end }}
    {{- else }}
    # HTTPS from clients: anyone when allowExternal, else only ingressFrom.
    - ports:
        - port: {{ $v.containerPorts.https }}
          protocol: TCP
      {{- if not $np.allowExternal }}
      {{- if not $np.ingressFrom }}
      {{- fail "networkPolicy.ingressFrom must list who may reach the gateway when networkPolicy.allowExternal is false" }}
      {{- end }}
      from:
        {{- toYaml $np.ingressFrom | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- if and $v.metrics.enabled $np.metrics.from }}
    # Prometheus scrapes the metrics port.
    - from:
        {{- toYaml $np.metrics.from | nindent 8 }}
      ports:
        - port: {{ $v.containerPorts.metrics }}
          protocol: TCP
    {{- end }}
    {{- with $np.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  egress:
    {{- include "tollgate-common.networkpolicy.dnsEgress" $np | nindent 4 }}
    {{- range $peer := $v.mesh.calls }}
    # gRPC to {{ $peer }}.
    - to:
        - {{ include "tollgate-common.mesh.podSelector" (list $peer) | nindent 10 | trim }}
      ports:
        - port: {{ include "tollgate-common.mesh.port" $peer }}
          protocol: TCP
    {{- end }}
    {{- if $grpc }}
    {{- include "tollgate-common.networkpolicy.mongodbEgress" $np | nindent 4 }}
    {{- else }}
    # Redis (rate limiting).
    - ports:
        {{- range $np.redis.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      {{- with $np.redis.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- range $key, $who := dict "providers" "LLM providers for the proxy" "webhooks" "Webhook receivers" }}
    {{- $public := index $np $key }}
    {{- if and $public $public.enabled }}
    # {{ $who }}: HTTPS to public addresses, never to the cluster's private ranges or the
    # cloud metadata endpoint.
    - to:
        - ipBlock:
            cidr: {{ $public.cidr }}
            {{- with $public.except }}
            except:
              {{- toYaml . | nindent 14 }}
            {{- end }}
      ports:
        {{- range $public.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- end }}
    {{- with $np.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* Egress to DNS. Param: networkPolicy values. */}}
{{- define "tollgate-common.networkpolicy.dnsEgress" -}}
# DNS.
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* Egress to the service's MongoDB. Param: networkPolicy values. */}}
{{- define "tollgate-common.networkpolicy.mongodbEgress" -}}
# This service's MongoDB.
- ports:
    {{- range .mongodb.ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .mongodb.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
