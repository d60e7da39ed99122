{{/*
The service mesh: which deployables exist and on which gRPC port each listens. Every
chart's mesh.calls / mesh.callers name entries of this table; addresses and
NetworkPolicy rules are derived from it, so the call graph lives in values.yaml and
nowhere else.
*/}}
{{- define "tollgate-common.mesh.ports" -}}
gateway: 8443
identity: 50051
token: 50052
budget: 50053
provider-key: 50054
audit: 50055
{{- end -}}

{{- define "tollgate-common.mesh.port" -}}
{{- $ports := include "tollgate-common.mesh.ports" . | fromYaml -}}
{{- if not (hasKey $ports .) -}}
{{- fail (printf "unknown Tollgate service %q (expected one of %s)" . (keys $ports | sortAlpha | join ", ")) -}}
{{- end -}}
{{- index $ports . -}}
{{- end -}}

{{/* identity → IDENTITY_ADDR, provider-key → PROVIDER_KEY_ADDR */}}
{{- define "tollgate-common.mesh.addressVariable" -}}
{{- printf "%s_ADDR" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/*
host:port of a peer: mesh.addresses.<peer> when set, else the peer chart's Service in
the same release and namespace (what the umbrella chart installs).
Params: context (root), peer.
*/}}
{{- define "tollgate-common.mesh.address" -}}
{{- $root := .context -}}
{{- $override := index ($root.Values.mesh.addresses | default dict) .peer -}}
{{- if $override -}}
{{- $override -}}
{{- else -}}
{{- printf "%s:%s" (include "tollgate-common.names.releaseScoped" (dict "release" $root.Release.Name "name" .peer)) (include "tollgate-common.mesh.port" .peer) -}}
{{- end -}}
{{- end -}}

{{/* A NetworkPolicy peer: Tollgate pods of the given services, in this namespace. */}}
{{- define "tollgate-common.mesh.podSelector" -}}
podSelector:
  matchExpressions:
    - key: tollgate.io/service
      operator: In
      values:
        {{- range . }}
        - {{ . }}
        {{- end }}
    - key: app.kubernetes.io/part-of
      operator: In
      values:
        - tollgate
{{- end -}}
