{{/* The chart's name, and the release's full name (at most 63 characters). */}}
{{- define "clearpost.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "clearpost.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one component (serve, worker, migrate): the full name cut so that it fits. */}}
{{- define "clearpost.componentName" -}}
{{- printf "%s-%s" (include "clearpost.fullname" .root | trunc 55 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "clearpost.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object; .component may be empty. */}}
{{- define "clearpost.labels" -}}
helm.sh/chart: {{ include "clearpost.chart" .root }}
{{ include "clearpost.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: clearpost
{{- end -}}

{{/* Labels that select one component's pods. */}}
{{- define "clearpost.selectorLabels" -}}
app.kubernetes.io/name: {{ include "clearpost.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "clearpost.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "clearpost.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "clearpost.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Where the application's Secret is mounted. */}}
{{- define "clearpost.secretsDir" -}}/run/secrets/clearpost{{- end -}}
{{- define "clearpost.providersFile" -}}/etc/clearpost/oidc-providers.json{{- end -}}

{{/* The secret settings: environment variable (without _FILE) => values key under secrets.keys. */}}
{{- define "clearpost.secretSettings" -}}
CLEARPOST_AUDIT_SIGNING_KEY: auditSigningKey
CLEARPOST_SECRET_KEYS: secretKeys
CLEARPOST_CLICK_KEY: clickKey
CLEARPOST_OIDC_CLIENT_SECRET: oidcClientSecret
CLEARPOST_MEILI_KEY: meiliKey
CLEARPOST_MEILI_SEARCH_KEY: meiliSearchKey
CLEARPOST_SMTP_URL: smtpURL
{{- end -}}

{{/* Environment shared by every Clearpost container: the database and Redis from their Secrets,
     logging. */}}
{{- define "clearpost.baseEnv" -}}
- name: CLEARPOST_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret: name the Secret holding the PostgreSQL URL" .Values.database.existingSecret }}
      key: {{ required "database.urlKey is required" .Values.database.urlKey }}
- name: CLEARPOST_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.existingSecret: name the Secret holding the Redis URL" .Values.redis.existingSecret }}
      key: {{ required "redis.urlKey is required" .Values.redis.urlKey }}
- name: CLEARPOST_LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: CLEARPOST_LOG_FORMAT
  value: {{ .Values.config.logFormat | quote }}
{{- end -}}

{{/* The environment of serve and worker. */}}
{{- define "clearpost.env" -}}
{{- $c := .Values.config -}}
{{ include "clearpost.baseEnv" . }}
- name: CLEARPOST_HTTP_ADDR
  value: ":8080"
- name: CLEARPOST_METRICS_ADDR
  value: {{ printf ":%v" .Values.metrics.port | quote }}
- name: CLEARPOST_PUBLIC_URL
  value: {{ required "config.publicURL: how browsers reach Clearpost, such as https://clearpost.example.com" $c.publicURL | quote }}
- name: CLEARPOST_TRUST_PROXY
  value: {{ $c.trustProxy | toString | quote }}
- name: CLEARPOST_SHUTDOWN_TIMEOUT
  value: {{ $c.shutdownTimeout | quote }}
- name: CLEARPOST_DATABASE_MAX_CONNS
  value: {{ $c.databaseMaxConns | toString | quote }}
- name: CLEARPOST_ORG_SLUG
  value: {{ $c.orgSlug | quote }}
- name: CLEARPOST_ORG_NAME
  value: {{ $c.orgName | quote }}
- name: CLEARPOST_OIDC_ISSUER
  value: {{ required "config.oidc.issuer: the identity provider's issuer URL" $c.oidc.issuer | quote }}
- name: CLEARPOST_OIDC_CLIENT_ID
  value: {{ required "config.oidc.clientID is required" $c.oidc.clientID | quote }}
- name: CLEARPOST_OIDC_SCOPES
  value: {{ $c.oidc.scopes | quote }}
- name: CLEARPOST_OIDC_GROUPS_CLAIM
  value: {{ $c.oidc.groupsClaim | quote }}
{{- with $c.oidc.audience }}
- name: CLEARPOST_OIDC_AUDIENCE
  value: {{ . | quote }}
{{- end }}
{{- with $c.oidc.groupMap }}
- name: CLEARPOST_OIDC_GROUP_MAP
  value: {{ . | quote }}
{{- end }}
{{- if $c.oidc.providers }}
- name: CLEARPOST_OIDC_PROVIDERS_FILE
  value: {{ include "clearpost.providersFile" . | quote }}
{{- end }}
{{- with $c.bootstrapAdmins }}
- name: CLEARPOST_BOOTSTRAP_ADMINS
  value: {{ . | quote }}
{{- end }}
{{- with $c.corsOrigins }}
- name: CLEARPOST_CORS_ORIGINS
  value: {{ . | quote }}
{{- end }}
{{- if $c.meilisearch.url }}
- name: CLEARPOST_MEILI_URL
  value: {{ $c.meilisearch.url | quote }}
- name: CLEARPOST_MEILI_INDEX
  value: {{ $c.meilisearch.index | quote }}
{{- with $c.meilisearch.searchKeyUID }}
- name: CLEARPOST_MEILI_SEARCH_KEY_UID
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $c.smtpFrom }}
- name: CLEARPOST_SMTP_FROM
  value: {{ . | quote }}
{{- end }}
{{- with $c.smtpTLS }}
- name: CLEARPOST_SMTP_TLS
  value: {{ . | quote }}
{{- end }}
{{- $keys := .Values.secrets.keys }}
{{- range $env, $field := include "clearpost.secretSettings" . | fromYaml }}
{{- with get $keys $field }}
- name: {{ $env }}_FILE
  value: {{ printf "%s/%s" (include "clearpost.secretsDir" $) . | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := $c.extraEnv }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The volumes of serve and worker. */}}
{{- define "clearpost.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
- name: secrets
  secret:
    secretName: {{ required "secrets.existingSecret: name the Secret holding Clearpost's keys" .Values.secrets.existingSecret }}
    defaultMode: 288 # 0440: the owner and the pod's fsGroup
    items:
      {{- $keys := .Values.secrets.keys }}
      {{- range $env, $field := include "clearpost.secretSettings" . | fromYaml }}
      {{- with get $keys $field }}
      - key: {{ . }}
        path: {{ . }}
      {{- end }}
      {{- end }}
{{- if .Values.config.oidc.providers }}
- name: oidc-providers
  configMap:
    name: {{ include "clearpost.componentName" (dict "root" . "component" "oidc-providers") }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "clearpost.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: secrets
  mountPath: {{ include "clearpost.secretsDir" . }}
  readOnly: true
{{- if .Values.config.oidc.providers }}
- name: oidc-providers
  mountPath: {{ include "clearpost.providersFile" . | dir }}
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod annotations: Prometheus scraping and a checksum that rolls the pods when the providers
     change. */}}
{{- define "clearpost.podAnnotations" -}}
{{- if .root.Values.metrics.annotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .root.Values.metrics.port | toString | quote }}
prometheus.io/path: {{ .root.Values.metrics.path | quote }}
{{- end }}
{{- if .root.Values.config.oidc.providers }}
checksum/oidc-providers: {{ toJson .root.Values.config.oidc.providers | sha256sum }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* A disruption budget: exactly one of minAvailable and maxUnavailable. */}}
{{- define "clearpost.disruptionBudget" -}}
{{- $min := toString .minAvailable -}}
{{- $max := toString .maxUnavailable -}}
{{- if and (ne $min "") (ne $max "") -}}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both" -}}
{{- else if ne $min "" -}}
minAvailable: {{ if contains "%" $min }}{{ $min | quote }}{{ else }}{{ $min }}{{ end }}
{{- else if ne $max "" -}}
maxUnavailable: {{ if contains "%" $max }}{{ $max | quote }}{{ else }}{{ $max }}{{ end }}
{{- else -}}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable" -}}
{{- end -}}
{{- end -}}

{{/* Spread a component's replicas over nodes and zones, unless told otherwise. */}}
{{- define "clearpost.topologySpread" -}}
{{- if .values.topologySpreadConstraints -}}
{{ toYaml .values.topologySpreadConstraints }}
{{- else -}}
{{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
- maxSkew: 1
  topologyKey: {{ . }}
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "clearpost.selectorLabels" $ | nindent 6 }}
{{- end }}
{{- end -}}
{{- end -}}
