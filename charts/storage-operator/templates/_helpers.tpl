{{- define "storage-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "storage-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "storage-operator.labels" -}}
app.kubernetes.io/name: {{ include "storage-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "storage-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "storage-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "storage-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "storage-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "storage-operator.watchNamespaces" -}}
{{- if .Values.watchNamespaces -}}
{{- join "," .Values.watchNamespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/*
The rules the operator needs on namespaced objects; shared by the ClusterRole and the per-namespace Roles.
Least privilege, from what operator/ calls (tests/StorageOperator.E2E.Tests RbacTests scans the source):
informers list+watch, reads get, server-side apply patches (and creates: apply of a new object is
authorised as create), finalizers are JSON patches, status goes through the /status subresource only,
the namespace CA Secret is replaced (update). "update" on the finalizers subresource is what setting
blockOwnerDeletion on the children's ownerReferences requires. The only deletes are a store's claims
(deletionPolicy Delete); children go by garbage collection. No wildcards, no deletecollection.
*/}}
{{- define "storage-operator.namespacedRules" -}}
- apiGroups: ["storage.storageoperator.io"]
  resources: ["objectstores", "keyservers"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["storage.storageoperator.io"]
  resources: ["objectstores/status", "keyservers/status"]
  verbs: ["patch"]
- apiGroups: ["storage.storageoperator.io"]
  resources: ["objectstores/finalizers", "keyservers/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- apiGroups: [""]
  resources: ["configmaps", "services", "serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["apps"]
  resources: ["statefulsets", "deployments"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["list", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: ["cert-manager.io"]
  resources: ["certificates"]
  verbs: ["create", "patch"]
{{- end -}}
