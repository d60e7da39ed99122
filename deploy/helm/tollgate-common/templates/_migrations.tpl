{{/*
A gRPC service's database migrations, run by a Helm hook Job before install and before
every upgrade: Helm creates the release's resources only once the Job has succeeded, so
no pod of a new version starts on a database it does not know (the pods themselves run
with MIGRATE_ON_START=false). The Job has the Deployment's image, environment, secrets,
security contexts and resources. At pre-install nothing of the release exists yet, so
it takes its environment inline rather than from the ConfigMap, a hook copy of a
chart-rendered Secret, a NetworkPolicy of its own (DNS and MongoDB out, nothing in), and
the namespace's default ServiceAccount, whose token it does not mount either.
Params: context, contract.
*/}}

{{- define "tollgate-common.migrations.name" -}}
{{- printf "%s-migrations" (include "tollgate-common.names.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Not the Deployment's labels: its Service, PDB and peers' policies must not pick the Job's pod. */}}
{{- define "tollgate-common.migrations.matchLabels" -}}
app.kubernetes.io/name: {{ printf "%s-migrations" (include "tollgate-common.names.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tollgate-common.migrations.metadata" -}}
{{- $root := .context -}}
name: {{ include "tollgate-common.migrations.name" $root }}
namespace: {{ include "tollgate-common.names.namespace" $root }}
labels:
  helm.sh/chart: {{ include "tollgate-common.names.chart" $root }}
  {{- include "tollgate-common.migrations.matchLabels" $root | nindent 2 }}
  app.kubernetes.io/component: migrations
  app.kubernetes.io/version: {{ include "tollgate-common.images.tag" $root | trunc 63 | quote }}
  app.kubernetes.io/managed-by: {{ $root.Release.Service }}
  app.kubernetes.io/part-of: tollgate
  {{- with $root.Values.commonLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  helm.sh/hook: pre-install,pre-upgrade
  helm.sh/hook-weight: {{ .weight | quote }}
  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
  {{- with $root.Values.commonAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- define "tollgate-common.migrations.secret" -}}
{{- $root := .context -}}
{{- if not (include "tollgate-common.secrets.existingName" $root) }}
apiVersion: v1
kind: Secret
metadata:
  {{- include "tollgate-common.migrations.metadata" (dict "context" $root "weight" -1) | nindent 2 }}
type: Opaque
data:
  {{- include "tollgate-common.secret.data" . | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "tollgate-common.migrations.networkpolicy" -}}
{{- $root := .context -}}
{{- $np := $root.Values.networkPolicy -}}
{{- if $np.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "tollgate-common.migrations.metadata" (dict "context" $root "weight" -1) | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "tollgate-common.migrations.matchLabels" $root | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress: []
  egress:
    {{- include "tollgate-common.networkpolicy.dnsEgress" $np | nindent 4 }}
    {{- include "tollgate-common.networkpolicy.mongodbEgress" $np | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "tollgate-common.migrations.job" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
apiVersion: batch/v1
kind: Job
metadata:
  {{- include "tollgate-common.migrations.metadata" (dict "context" $root "weight" 0) | nindent 2 }}
spec:
  # A failed step is not recorded, so a retry starts it over.
  backoffLimit: 2
  template:
    metadata:
      labels:
        {{- include "tollgate-common.migrations.matchLabels" $root | nindent 8 }}
        app.kubernetes.io/component: migrations
        app.kubernetes.io/part-of: tollgate
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with include "tollgate-common.images.pullSecrets" $root | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: migrations
          image: {{ include "tollgate-common.images.image" $root | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args: ["dist/migrate.js", "up"]
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          env:
            {{- range $name, $value := include "tollgate-common.configmap.data" . | fromYaml }}
            - name: {{ $name }}
              value: {{ toString $value | quote }}
            {{- end }}
            {{- include "tollgate-common.secrets.env" (dict "context" $root "contract" .contract "secretName" (include "tollgate-common.migrations.name" $root)) | trim | nindent 12 }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          resources:
            {{- include "tollgate-common.resources" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        # The only writable path: the root filesystem is read-only.
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}
