{{/*
The Deployment of a deployable. Params: context, contract (protocol grpc|https,
secrets.required/optional, selfAudit).

Hardening is the default and the schema keeps its shape: non-root numeric user,
read-only root filesystem with an emptyDir /tmp, no capabilities, no privilege
escalation, RuntimeDefault seccomp, no service-account token, no service links.
*/}}
{{- define "tollgate-common.deployment" -}}
{{- $root := .context -}}
{{- $v := $root.Values -}}
{{- $protocol := .contract.protocol -}}
{{- $grpc := eq $protocol "grpc" -}}
{{- $tls := dig "existingSecret" "" (index $v "tls" | default dict) -}}
{{- $prices := index $v "priceTable" | default dict -}}
{{- $pricesConfigMap := "" -}}
{{- if $prices.existingConfigMap }}{{ $pricesConfigMap = $prices.existingConfigMap }}{{ else if $prices.data }}{{ $pricesConfigMap = printf "%s-prices" (include "tollgate-common.names.fullname" $root) }}{{ end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "tollgate-common.labels.metadata" $root | nindent 2 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ $v.revisionHistoryLimit }}
  {{- with $v.updateStrategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "tollgate-common.labels.matchLabels" $root | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "tollgate-common.labels.standard" $root | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # Roll the pods when their configuration changes.
        checksum/config: {{ include "tollgate-common.configmap" . | sha256sum }}
        {{- if not (include "tollgate-common.secrets.existingName" $root) }}
        checksum/secret: {{ include "tollgate-common.secret" . | sha256sum }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "tollgate-common.names.serviceAccountName" $root }}
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
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with (include "tollgate-common.affinity" $root) }}
      affinity:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $root.Chart.Name }}
          image: {{ include "tollgate-common.images.image" $root | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          ports:
            {{- if $grpc }}
            - name: grpc
              containerPort: {{ $v.containerPorts.grpc }}
              protocol: TCP
            {{- else }}
            - name: https
              containerPort: {{ $v.containerPorts.https }}
              protocol: TCP
            {{- end }}
            {{- if $v.metrics.enabled }}
            - name: metrics
              containerPort: {{ $v.containerPorts.metrics }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "tollgate-common.names.fullname" $root }}
          env:
            {{- include "tollgate-common.secrets.env" . | trim | nindent 12 }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- range $name := list "startupProbe" "livenessProbe" "readinessProbe" }}
          {{- $probe := index $v $name }}
          {{- if $probe.enabled }}
          {{ $name }}:
            {{- include "tollgate-common.probes.probe" (dict "protocol" $protocol "probe" $probe "ports" $v.containerPorts) | trim | nindent 12 }}
          {{- end }}
          {{- end }}
          {{- if $v.preStopSleepSeconds }}
          lifecycle:
            # Keep serving while endpoints and load balancers drop this pod; SIGTERM
            # (graceful drain in the process) follows.
            preStop:
              exec:
                command: ["sleep", "{{ $v.preStopSleepSeconds }}"]
          {{- end }}
          resources:
            {{- include "tollgate-common.resources" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $tls }}
            - name: tls
              mountPath: /etc/tollgate/tls
              readOnly: true
            {{- end }}
            {{- if $pricesConfigMap }}
            - name: prices
              mountPath: /etc/tollgate/prices
              readOnly: true
            {{- end }}
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        # The only writable path: the root filesystem is read-only.
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
        {{- if $tls }}
        - name: tls
          secret:
            secretName: {{ $tls }}
            # 0440 (read for owner and group) in decimal: YAML 1.2 readers take 0440 as 440.
            defaultMode: 288
        {{- end }}
        {{- if $pricesConfigMap }}
        - name: prices
          configMap:
            name: {{ $pricesConfigMap }}
        {{- end }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}
