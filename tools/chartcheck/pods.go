package main

import (
	"fmt"
	"path"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// pod is the pod template of one workload.
type pod struct {
	owner    *object
	labels   map[string]string
	spec     *corev1.PodSpec
	replicas *int32 // nil: not fixed (a Job, or left to an autoscaler)
}

// hasPort reports whether a container of the pod declares the port, by name or by number.
func (p *pod) hasPort(port intstr.IntOrString) bool {
	for _, ctr := range p.spec.Containers {
		if containerHasPort(ctr, port) {
			return true
		}
	}
	return false
}

func containerHasPort(ctr corev1.Container, port intstr.IntOrString) bool {
	for _, cp := range ctr.Ports {
		if (port.Type == intstr.String && cp.Name == port.StrVal) || (port.Type == intstr.Int && cp.ContainerPort == port.IntVal) {
			return true
		}
	}
	return false
}

// context is what the checks of one object need to know of the others and of the values.
type context struct {
	objects         []*object
	pods            []*pod
	existingSecrets map[string]string // Secret name => where the values name it
	allowedSecrets  map[string]bool   // every Secret name the values give
	secretsUsed     map[string]bool
	configMaps      map[string]bool // rendered by the chart or named in the values
	serviceAccounts map[string]bool // rendered by the chart, named in the values, or "default"
}

func (c *checker) newContext() *context {
	ctx := &context{
		objects:         c.objects,
		existingSecrets: map[string]string{},
		allowedSecrets:  map[string]bool{},
		secretsUsed:     map[string]bool{},
		configMaps:      map[string]bool{},
		serviceAccounts: map[string]bool{"default": true},
	}
	walkValues(c.values, "", func(p, key string, v string) {
		k := strings.ToLower(key)
		switch {
		case k == "existingsecret":
			ctx.existingSecrets[v] = "values " + p
			ctx.allowedSecrets[v] = true
		case k == "secretname" || strings.Contains(strings.ToLower(p), "imagepullsecrets"):
			ctx.allowedSecrets[v] = true
		}
		if strings.Contains(strings.ToLower(p), "serviceaccount") {
			ctx.serviceAccounts[v] = true
		}
		ctx.configMaps[v] = true
	})
	for _, o := range c.objects {
		var p *pod
		switch obj := o.obj.(type) {
		case *appsv1.Deployment:
			p = &pod{owner: o, labels: obj.Spec.Template.Labels, spec: &obj.Spec.Template.Spec, replicas: obj.Spec.Replicas}
			if p.replicas == nil && !ctx.scaled(o) {
				one := int32(1)
				p.replicas = &one
			}
		case *appsv1.StatefulSet:
			p = &pod{owner: o, labels: obj.Spec.Template.Labels, spec: &obj.Spec.Template.Spec, replicas: obj.Spec.Replicas}
		case *appsv1.DaemonSet:
			p = &pod{owner: o, labels: obj.Spec.Template.Labels, spec: &obj.Spec.Template.Spec}
		case *batchv1.Job:
			p = &pod{owner: o, labels: obj.Spec.Template.Labels, spec: &obj.Spec.Template.Spec}
		case *batchv1.CronJob:
			p = &pod{owner: o, labels: obj.Spec.JobTemplate.Spec.Template.Labels, spec: &obj.Spec.JobTemplate.Spec.Template.Spec}
		case *corev1.ConfigMap:
			ctx.configMaps[o.name] = true
		case *corev1.ServiceAccount:
			ctx.serviceAccounts[o.name] = true
		}
		if p != nil {
			ctx.pods = append(ctx.pods, p)
		}
	}
	return ctx
}

// walkValues calls fn for every non-empty string in the values, with its path and its key (for a
// list item, the list's key).
func walkValues(v any, p string, fn func(path, key, value string)) {
	key := p
	if i := strings.LastIndexAny(p, ".]"); i >= 0 && p[i] == '.' {
		key = p[i+1:]
	}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			next := k
			if p != "" {
				next = p + "." + k
			}
			walkValues(v[k], next, fn)
		}
	case []any:
		for i, item := range v {
			walkValues(item, fmt.Sprintf("%s[%d]", p, i), fn)
		}
	case string:
		if v != "" {
			fn(p, key, v)
		}
	}
}

func (ctx *context) scaled(o *object) bool { return ctx.hpaFor(o) != nil }

// hpaFor returns the autoscaler that scales a workload, if any.
func (ctx *context) hpaFor(o *object) *object {
	for _, h := range ctx.objects {
		if hpa, ok := h.obj.(*autoscalingv2.HorizontalPodAutoscaler); ok {
			ref := hpa.Spec.ScaleTargetRef
			if ref.Kind == o.kind && ref.Name == o.name {
				return h
			}
		}
	}
	return nil
}

func (ctx *context) podsSelectedBy(s labels.Selector) []*pod {
	var out []*pod
	for _, p := range ctx.pods {
		if s.Matches(labels.Set(p.labels)) {
			out = append(out, p)
		}
	}
	return out
}

func (ctx *context) service(name string) *corev1.Service {
	for _, o := range ctx.objects {
		if svc, ok := o.obj.(*corev1.Service); ok && o.name == name {
			return svc
		}
	}
	return nil
}

func (ctx *context) find(apiVersion, kind, name string) *object {
	for _, o := range ctx.objects {
		gvk := o.obj.GetObjectKind().GroupVersionKind()
		if o.kind == kind && o.name == name && gvk.GroupVersion().String() == apiVersion {
			return o
		}
	}
	return nil
}

func (ctx *context) secretAllowed(name string) bool { return ctx.allowedSecrets[name] }

// useSecret checks one reference to a Secret from a pod.
func (c *checker) useSecret(o *object, ctx *context, fld, name string) {
	if name == "" {
		c.add(o, o.doc, fld, "names no Secret")
		return
	}
	ctx.secretsUsed[name] = true
	if !ctx.secretAllowed(name) {
		c.add(o, o.doc, fld, "Secret %q is not named in the values (existingSecret, secretName or imagePullSecrets)", name)
	}
}

func (c *checker) useConfigMap(o *object, ctx *context, fld, name string) {
	if !ctx.configMaps[name] {
		c.add(o, o.doc, fld, "ConfigMap %q is neither rendered by the chart nor named in the values", name)
	}
}

func (c *checker) checkPodTemplate(o *object, ctx *context, fld string, tmpl corev1.PodTemplateSpec, job bool) {
	spec := &tmpl.Spec
	sfld := fld + ".spec"
	switch rp := spec.RestartPolicy; {
	case job && rp != corev1.RestartPolicyNever && rp != corev1.RestartPolicyOnFailure:
		c.add(o, o.doc, sfld+".restartPolicy", "a Job's pods need Never or OnFailure, not %q", rp)
	case !job && rp != "" && rp != corev1.RestartPolicyAlways:
		c.add(o, o.doc, sfld+".restartPolicy", "must be Always for a %s, not %q", o.kind, rp)
	}
	if len(tmpl.Labels) == 0 {
		c.add(o, o.doc, fld+".metadata.labels", "a pod template needs labels (selectors, Services, budgets and policies find pods by them)")
	}
	if !ctx.serviceAccounts[spec.ServiceAccountName] && spec.ServiceAccountName != "" {
		c.add(o, o.doc, sfld+".serviceAccountName", "ServiceAccount %q is neither rendered by the chart nor named in the values", spec.ServiceAccountName)
	}
	for i, s := range spec.ImagePullSecrets {
		c.useSecret(o, ctx, fmt.Sprintf("%s.imagePullSecrets[%d].name", sfld, i), s.Name)
	}

	volumes := map[string]bool{}
	for i, v := range spec.Volumes {
		vfld := fmt.Sprintf("%s.volumes[%d]", sfld, i)
		for _, msg := range validation.IsDNS1123Label(v.Name) {
			c.add(o, o.doc, vfld+".name", "%q: %s", v.Name, msg)
		}
		if volumes[v.Name] {
			c.add(o, o.doc, vfld+".name", "volume %q is defined twice", v.Name)
		}
		volumes[v.Name] = true
		switch {
		case v.Secret != nil:
			c.useSecret(o, ctx, vfld+".secret.secretName", v.Secret.SecretName)
		case v.ConfigMap != nil:
			c.useConfigMap(o, ctx, vfld+".configMap.name", v.ConfigMap.Name)
		case v.Projected != nil:
			for j, src := range v.Projected.Sources {
				if src.Secret != nil {
					c.useSecret(o, ctx, fmt.Sprintf("%s.projected.sources[%d].secret.name", vfld, j), src.Secret.Name)
				}
				if src.ConfigMap != nil {
					c.useConfigMap(o, ctx, fmt.Sprintf("%s.projected.sources[%d].configMap.name", vfld, j), src.ConfigMap.Name)
				}
			}
		}
	}

	if len(spec.Containers) == 0 {
		c.add(o, o.doc, sfld+".containers", "a pod needs at least one container")
	}
	portNames := map[string]bool{}
	podPorts := map[int32]bool{}
	for i, ctr := range spec.InitContainers {
		c.checkContainer(o, ctx, fmt.Sprintf("%s.initContainers[%d]", sfld, i), ctr, spec, volumes, portNames, podPorts)
	}
	for i, ctr := range spec.Containers {
		c.checkContainer(o, ctx, fmt.Sprintf("%s.containers[%d]", sfld, i), ctr, spec, volumes, portNames, podPorts)
	}
	c.checkPrometheusAnnotations(o, fld+".metadata.annotations", tmpl.Annotations, func(p int32) bool { return podPorts[p] })
}

func (c *checker) checkContainer(o *object, ctx *context, fld string, ctr corev1.Container, spec *corev1.PodSpec,
	volumes, portNames map[string]bool, podPorts map[int32]bool) {
	for _, msg := range validation.IsDNS1123Label(ctr.Name) {
		c.add(o, o.doc, fld+".name", "%q: %s", ctr.Name, msg)
	}
	switch img := ctr.Image; {
	case strings.TrimSpace(img) == "":
		c.add(o, o.doc, fld+".image", "container %q has no image", ctr.Name)
	case strings.ContainsAny(img, " \t\n") || strings.HasSuffix(img, ":") || strings.HasSuffix(img, "@") || strings.Contains(img, "<no value>"):
		c.add(o, o.doc, fld+".image", "%q is not an image reference", img)
	}

	// Resources: the scheduler and the autoscaler need requests.
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := ctr.Resources.Requests[r]; !ok {
			c.add(o, o.doc, fld+".resources.requests."+string(r), "container %q has no %s request", ctr.Name, r)
		}
	}

	// Security: non-root, read-only root file system, no privilege escalation, no capabilities.
	sc := ctr.SecurityContext
	nonRoot := spec.SecurityContext != nil && spec.SecurityContext.RunAsNonRoot != nil && *spec.SecurityContext.RunAsNonRoot
	if sc != nil && sc.RunAsNonRoot != nil {
		nonRoot = *sc.RunAsNonRoot
	}
	if !nonRoot {
		c.add(o, o.doc, fld+".securityContext.runAsNonRoot", "container %q may run as root", ctr.Name)
	}
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		c.add(o, o.doc, fld+".securityContext.readOnlyRootFilesystem", "container %q has a writable root file system", ctr.Name)
	}
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		c.add(o, o.doc, fld+".securityContext.allowPrivilegeEscalation", "container %q may escalate privileges (set false)", ctr.Name)
	}
	if sc != nil && sc.Privileged != nil && *sc.Privileged {
		c.add(o, o.doc, fld+".securityContext.privileged", "container %q is privileged", ctr.Name)
	}
	dropsAll := false
	if sc != nil && sc.Capabilities != nil {
		for _, cp := range sc.Capabilities.Drop {
			dropsAll = dropsAll || cp == "ALL"
		}
	}
	if !dropsAll {
		c.add(o, o.doc, fld+".securityContext.capabilities.drop", "container %q keeps its capabilities (drop ALL)", ctr.Name)
	}

	for i, p := range ctr.Ports {
		pfld := fmt.Sprintf("%s.ports[%d]", fld, i)
		for _, msg := range validation.IsValidPortNum(int(p.ContainerPort)) {
			c.add(o, o.doc, pfld+".containerPort", "%d: %s", p.ContainerPort, msg)
		}
		if p.Name != "" {
			for _, msg := range validation.IsValidPortName(p.Name) {
				c.add(o, o.doc, pfld+".name", "%q: %s", p.Name, msg)
			}
			if portNames[p.Name] {
				c.add(o, o.doc, pfld+".name", "port name %q is used twice in the pod", p.Name)
			}
			portNames[p.Name] = true
		}
		podPorts[p.ContainerPort] = true
	}

	probes := []struct {
		name  string
		probe *corev1.Probe
	}{{"livenessProbe", ctr.LivenessProbe}, {"readinessProbe", ctr.ReadinessProbe}, {"startupProbe", ctr.StartupProbe}}
	for _, pr := range probes {
		if pr.probe != nil {
			c.checkProbe(o, fld+"."+pr.name, ctr, pr.probe)
		}
	}

	envNames := map[string]bool{}
	for i, e := range ctr.Env {
		efld := fmt.Sprintf("%s.env[%d]", fld, i)
		if envNames[e.Name] {
			c.add(o, o.doc, efld+".name", "%s is set twice in container %q", e.Name, ctr.Name)
		}
		envNames[e.Name] = true
		isFile := strings.HasSuffix(e.Name, "_FILE") && path.IsAbs(e.Value)
		if e.Value != "" && secretLikeEnv.MatchString(e.Name) && !isFile {
			c.add(o, o.doc, efld+".value", "%s looks like a secret but is a literal: take it from a Secret (valueFrom.secretKeyRef or a *_FILE)", e.Name)
		}
		if e.ValueFrom != nil {
			if r := e.ValueFrom.SecretKeyRef; r != nil {
				c.useSecret(o, ctx, efld+".valueFrom.secretKeyRef.name", r.Name)
				if r.Key == "" {
					c.add(o, o.doc, efld+".valueFrom.secretKeyRef.key", "is required")
				}
			}
			if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
				c.useConfigMap(o, ctx, efld+".valueFrom.configMapKeyRef.name", r.Name)
			}
		}
	}
	for i, e := range ctr.EnvFrom {
		if e.SecretRef != nil {
			c.useSecret(o, ctx, fmt.Sprintf("%s.envFrom[%d].secretRef.name", fld, i), e.SecretRef.Name)
		}
		if e.ConfigMapRef != nil {
			c.useConfigMap(o, ctx, fmt.Sprintf("%s.envFrom[%d].configMapRef.name", fld, i), e.ConfigMapRef.Name)
		}
	}

	mounts := map[string]bool{}
	for i, m := range ctr.VolumeMounts {
		mfld := fmt.Sprintf("%s.volumeMounts[%d]", fld, i)
		if !volumes[m.Name] {
			c.add(o, o.doc, mfld+".name", "volume %q is not defined in the pod", m.Name)
		}
		if !path.IsAbs(m.MountPath) {
			c.add(o, o.doc, mfld+".mountPath", "%q is not an absolute path", m.MountPath)
		}
		if mounts[m.MountPath] {
			c.add(o, o.doc, mfld+".mountPath", "%s is mounted twice", m.MountPath)
		}
		mounts[m.MountPath] = true
	}
}

func (c *checker) checkProbe(o *object, fld string, ctr corev1.Container, p *corev1.Probe) {
	handlers := 0
	check := func(hfld string, port intstr.IntOrString) {
		if port.Type == intstr.String {
			if !containerHasPort(ctr, port) {
				c.add(o, o.doc, hfld+".port", "named port %q is not a port of container %q", port.StrVal, ctr.Name)
			}
			return
		}
		if !containerHasPort(ctr, port) {
			c.add(o, o.doc, hfld+".port", "port %d is not declared by container %q (name it in ports and refer to the name)", port.IntVal, ctr.Name)
		}
	}
	if h := p.HTTPGet; h != nil {
		handlers++
		check(fld+".httpGet", h.Port)
		if !strings.HasPrefix(h.Path, "/") {
			c.add(o, o.doc, fld+".httpGet.path", "%q must start with /", h.Path)
		}
	}
	if t := p.TCPSocket; t != nil {
		handlers++
		check(fld+".tcpSocket", t.Port)
	}
	if g := p.GRPC; g != nil {
		handlers++
		check(fld+".grpc", intstr.FromInt32(g.Port))
	}
	if e := p.Exec; e != nil {
		handlers++
		if len(e.Command) == 0 {
			c.add(o, o.doc, fld+".exec.command", "is empty")
		}
	}
	if handlers != 1 {
		c.add(o, o.doc, fld, "a probe needs exactly one of httpGet, tcpSocket, grpc and exec (has %d)", handlers)
	}
	if p.TimeoutSeconds < 0 || p.PeriodSeconds < 0 || p.FailureThreshold < 0 {
		c.add(o, o.doc, fld, "timeouts, periods and thresholds must not be negative")
	}
}
