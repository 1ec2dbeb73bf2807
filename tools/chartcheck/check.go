package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// Problem is one thing wrong with the rendered chart.
type Problem struct {
	Values  string // the value set the chart was rendered with
	Source  string // the template
	Object  string // Kind/name
	Field   string // path in the object, such as spec.template.spec.containers[0].image
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]", p.Values)
	for _, s := range []string{p.Source, p.Object, p.Field} {
		if s != "" {
			b.WriteString(" " + s + ":")
		}
	}
	b.WriteString(" " + p.Message)
	return b.String()
}

// Report is what Check found.
type Report struct {
	Problems []Problem
	Sets     []SetSummary
}

// SetSummary says what one value set rendered.
type SetSummary struct {
	Name    string
	Objects int
	Kinds   []string
}

// object is a rendered document decoded into its API type.
type object struct {
	doc  document
	gvk  string
	kind string
	name string
	meta metav1.Object
	obj  runtime.Object
}

func (o *object) id() string { return o.kind + "/" + o.name }

// strict decodes YAML into the registered k8s.io/api types, refusing unknown and duplicate fields.
var strict = kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
	kjson.SerializerOptions{Yaml: true, Strict: true})

// Check renders the chart in dir with each value set and checks what comes out.
func Check(dir string, opts Options, sets []ValueSet) (Report, error) {
	ch, err := loadChart(dir)
	if err != nil {
		return Report{}, err
	}
	var report Report
	for _, set := range sets {
		r, problems, err := render(ch, dir, opts, set)
		if err != nil {
			return Report{}, err
		}
		report.Problems = append(report.Problems, problems...)
		if len(r.Docs) == 0 {
			if len(problems) == 0 {
				report.Problems = append(report.Problems, Problem{Values: set.Name, Message: "the chart renders no object"})
			}
			continue
		}
		c := &checker{set: set.Name, values: r.Values, namespace: opts.Namespace}
		for _, d := range r.Docs {
			c.decode(d)
		}
		c.checkAll()
		report.Problems = append(report.Problems, c.problems...)
		kinds := map[string]int{}
		for _, o := range c.objects {
			kinds[o.kind]++
		}
		var ks []string
		for k, n := range kinds {
			ks = append(ks, fmt.Sprintf("%d %s", n, k))
		}
		sort.Strings(ks)
		report.Sets = append(report.Sets, SetSummary{Name: set.Name, Objects: len(c.objects), Kinds: ks})
	}
	return report, nil
}

type checker struct {
	set       string
	values    map[string]any
	namespace string
	objects   []*object
	problems  []Problem
}

func (c *checker) add(o *object, d document, fld, format string, args ...any) {
	p := Problem{Values: c.set, Source: d.Source, Field: fld, Message: fmt.Sprintf(format, args...)}
	if d.Index > 0 {
		p.Source = fmt.Sprintf("%s (document %d)", d.Source, d.Index+1)
	}
	if o != nil {
		p.Object = o.id()
	}
	c.problems = append(c.problems, p)
}

func (c *checker) addErrs(o *object, errs field.ErrorList) {
	for _, e := range errs {
		c.add(o, o.doc, e.Field, "%s", e.ErrorBody())
	}
}

// decode turns one document into its typed object, strictly.
func (c *checker) decode(d document) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal([]byte(d.YAML), &head); err != nil {
		c.add(nil, d, "", "not YAML: %v", err)
		return
	}
	o := &object{doc: d, kind: head.Kind, name: head.Metadata.Name, gvk: head.APIVersion + ", Kind=" + head.Kind}
	if head.APIVersion == "" || head.Kind == "" {
		c.add(o, d, "", "apiVersion and kind are required")
		return
	}
	obj, _, err := strict.Decode([]byte(d.YAML), nil, nil)
	if err != nil {
		switch {
		case runtime.IsNotRegisteredError(err):
			c.add(o, d, "apiVersion", "%s %s is no Kubernetes API this check knows (a typo, or a custom resource)", head.APIVersion, head.Kind)
		case runtime.IsStrictDecodingError(err):
			if se, ok := runtime.AsStrictDecodingError(err); ok {
				for _, e := range se.Errors() {
					c.add(o, d, "", "%s", e)
				}
			} else {
				c.add(o, d, "", "%v", err)
			}
		default:
			c.add(o, d, "", "does not decode into %s: %v", head.Kind, err)
		}
		return
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		c.add(o, d, "", "%s has no metadata", head.Kind)
		return
	}
	o.obj, o.meta = obj, m
	c.objects = append(c.objects, o)
}

func (c *checker) checkAll() {
	seen := map[string]*object{}
	for _, o := range c.objects {
		if prev, dup := seen[o.id()]; dup {
			c.add(o, o.doc, "metadata.name", "%s is rendered twice (also by %s)", o.id(), prev.doc.Source)
		}
		seen[o.id()] = o
		c.checkMeta(o)
	}
	ctx := c.newContext()
	for _, o := range c.objects {
		switch obj := o.obj.(type) {
		case *corev1.Secret:
			c.add(o, o.doc, "kind", "the chart renders a Secret: secrets must come from existing Secrets named in the values (existingSecret)")
		case *appsv1.Deployment:
			c.checkSelector(o, "spec.selector", obj.Spec.Selector, obj.Spec.Template.Labels, true)
			c.checkPodTemplate(o, ctx, "spec.template", obj.Spec.Template, false)
			if hpa := ctx.hpaFor(o); hpa != nil && obj.Spec.Replicas != nil {
				c.add(o, o.doc, "spec.replicas", "is set while %s scales this Deployment: every upgrade would reset it", hpa.id())
			}
		case *appsv1.StatefulSet:
			c.checkSelector(o, "spec.selector", obj.Spec.Selector, obj.Spec.Template.Labels, true)
			c.checkPodTemplate(o, ctx, "spec.template", obj.Spec.Template, false)
		case *appsv1.DaemonSet:
			c.checkSelector(o, "spec.selector", obj.Spec.Selector, obj.Spec.Template.Labels, true)
			c.checkPodTemplate(o, ctx, "spec.template", obj.Spec.Template, false)
		case *batchv1.Job:
			if obj.Spec.Selector != nil {
				c.checkSelector(o, "spec.selector", obj.Spec.Selector, obj.Spec.Template.Labels, true)
			}
			c.checkPodTemplate(o, ctx, "spec.template", obj.Spec.Template, true)
		case *batchv1.CronJob:
			c.checkPodTemplate(o, ctx, "spec.jobTemplate.spec.template", obj.Spec.JobTemplate.Spec.Template, true)
		case *corev1.Service:
			c.checkService(o, ctx, obj)
		case *networkingv1.Ingress:
			c.checkIngress(o, ctx, obj)
		case *autoscalingv2.HorizontalPodAutoscaler:
			c.checkHPA(o, ctx, obj)
		case *policyv1.PodDisruptionBudget:
			c.checkPDB(o, ctx, obj)
		case *networkingv1.NetworkPolicy:
			c.checkNetworkPolicy(o, ctx, obj)
		}
	}
	c.checkSecretsUsed(ctx)
}

var hookEvents = map[string]bool{
	"pre-install": true, "post-install": true, "pre-delete": true, "post-delete": true,
	"pre-upgrade": true, "post-upgrade": true, "pre-rollback": true, "post-rollback": true,
	"test": true, "test-success": true,
}

var hookDeletePolicies = map[string]bool{"before-hook-creation": true, "hook-succeeded": true, "hook-failed": true}

func (c *checker) checkMeta(o *object) {
	m := o.meta
	path := field.NewPath("metadata")
	switch {
	case m.GetName() == "":
		c.add(o, o.doc, "metadata.name", "is required")
	case o.kind == "Service" || o.kind == "Namespace":
		for _, msg := range validation.IsDNS1035Label(m.GetName()) {
			c.add(o, o.doc, "metadata.name", "%q: %s", m.GetName(), msg)
		}
	default:
		for _, msg := range validation.IsDNS1123Subdomain(m.GetName()) {
			c.add(o, o.doc, "metadata.name", "%q: %s", m.GetName(), msg)
		}
	}
	if ns := m.GetNamespace(); ns != "" && ns != c.namespace {
		c.add(o, o.doc, "metadata.namespace", "is %q, not the release's namespace %q", ns, c.namespace)
	}
	c.addErrs(o, metavalidation.ValidateLabels(m.GetLabels(), path.Child("labels")))
	c.addErrs(o, apivalidation.ValidateAnnotations(m.GetAnnotations(), path.Child("annotations")))
	ann := m.GetAnnotations()
	if hooks, ok := ann["helm.sh/hook"]; ok {
		for _, h := range strings.Split(hooks, ",") {
			if !hookEvents[strings.TrimSpace(h)] {
				c.add(o, o.doc, "metadata.annotations[helm.sh/hook]", "%q is no Helm hook", strings.TrimSpace(h))
			}
		}
	}
	if policies, ok := ann["helm.sh/hook-delete-policy"]; ok {
		for _, p := range strings.Split(policies, ",") {
			if !hookDeletePolicies[strings.TrimSpace(p)] {
				c.add(o, o.doc, "metadata.annotations[helm.sh/hook-delete-policy]", "%q is no Helm hook delete policy", strings.TrimSpace(p))
			}
		}
	}
}

// checkSelector: a workload's selector must be set and select its own pod template.
func (c *checker) checkSelector(o *object, fld string, sel *metav1.LabelSelector, podLabels map[string]string, required bool) {
	if sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0) {
		if required {
			c.add(o, o.doc, fld, "is required and must not be empty")
		}
		return
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		c.add(o, o.doc, fld, "%v", err)
		return
	}
	if !s.Matches(labels.Set(podLabels)) {
		c.add(o, o.doc, fld, "%s does not select the pod template's labels %v", s, podLabels)
	}
}

// secretLikeEnv are names of environment variables that hold secrets and must not be literals.
var secretLikeEnv = regexp.MustCompile(`(?i)(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE|_KEYS?$|DATABASE_URL$|REDIS_URL$|SMTP_URL$|DSN$)`)

func (c *checker) checkService(o *object, ctx *context, svc *corev1.Service) {
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		return
	}
	if len(svc.Spec.Selector) == 0 {
		c.add(o, o.doc, "spec.selector", "is empty: the Service would have no endpoints from this chart")
		return
	}
	pods := ctx.podsSelectedBy(labels.SelectorFromSet(svc.Spec.Selector))
	if len(pods) == 0 {
		c.add(o, o.doc, "spec.selector", "%v selects no pod of the chart", svc.Spec.Selector)
		return
	}
	names := map[string]bool{}
	for i, p := range svc.Spec.Ports {
		fld := fmt.Sprintf("spec.ports[%d]", i)
		if len(svc.Spec.Ports) > 1 && p.Name == "" {
			c.add(o, o.doc, fld+".name", "is required when a Service has several ports")
		}
		if names[p.Name] {
			c.add(o, o.doc, fld+".name", "%q is used twice", p.Name)
		}
		names[p.Name] = true
		target := p.TargetPort
		if target.Type == intstr.Int && target.IntVal == 0 {
			target = intstr.FromInt32(p.Port)
		}
		for _, pod := range pods {
			if !pod.hasPort(target) {
				c.add(o, o.doc, fld+".targetPort", "%s is no container port of %s", target.String(), pod.owner.id())
			}
		}
	}
	c.checkPrometheusPort(o, func(port int32) bool {
		for _, p := range svc.Spec.Ports {
			if p.Port == port {
				return true
			}
		}
		return false
	})
}

func (c *checker) checkIngress(o *object, ctx *context, ing *networkingv1.Ingress) {
	check := func(fld string, b *networkingv1.IngressBackend) {
		if b == nil || b.Service == nil {
			return
		}
		svc := ctx.service(b.Service.Name)
		if svc == nil {
			c.add(o, o.doc, fld+".service.name", "%q is no Service of the chart", b.Service.Name)
			return
		}
		for _, p := range svc.Spec.Ports {
			if (b.Service.Port.Name != "" && p.Name == b.Service.Port.Name) || (b.Service.Port.Name == "" && p.Port == b.Service.Port.Number) {
				return
			}
		}
		c.add(o, o.doc, fld+".service.port", "Service %s has no port %s", svc.Name, portName(b.Service.Port))
	}
	check("spec.defaultBackend", ing.Spec.DefaultBackend)
	for i, r := range ing.Spec.Rules {
		for _, msg := range validation.IsDNS1123Subdomain(strings.TrimPrefix(r.Host, "*.")) {
			if r.Host != "" {
				c.add(o, o.doc, fmt.Sprintf("spec.rules[%d].host", i), "%q: %s", r.Host, msg)
			}
		}
		if r.HTTP == nil {
			continue
		}
		for j, p := range r.HTTP.Paths {
			fld := fmt.Sprintf("spec.rules[%d].http.paths[%d]", i, j)
			if p.PathType == nil {
				c.add(o, o.doc, fld+".pathType", "is required")
			}
			if !strings.HasPrefix(p.Path, "/") {
				c.add(o, o.doc, fld+".path", "%q must start with /", p.Path)
			}
			check(fld+".backend", &p.Backend)
		}
	}
	for i, t := range ing.Spec.TLS {
		if t.SecretName != "" && !ctx.secretAllowed(t.SecretName) {
			c.add(o, o.doc, fmt.Sprintf("spec.tls[%d].secretName", i), "%q is not a Secret named in the values", t.SecretName)
		}
	}
}

func portName(p networkingv1.ServiceBackendPort) string {
	if p.Name != "" {
		return fmt.Sprintf("%q", p.Name)
	}
	return fmt.Sprint(p.Number)
}

func (c *checker) checkHPA(o *object, ctx *context, hpa *autoscalingv2.HorizontalPodAutoscaler) {
	ref := hpa.Spec.ScaleTargetRef
	if ctx.find(ref.APIVersion, ref.Kind, ref.Name) == nil {
		c.add(o, o.doc, "spec.scaleTargetRef", "%s %s/%s is not rendered by the chart", ref.APIVersion, ref.Kind, ref.Name)
	}
	if hpa.Spec.MinReplicas != nil && *hpa.Spec.MinReplicas > hpa.Spec.MaxReplicas {
		c.add(o, o.doc, "spec.minReplicas", "%d is above maxReplicas %d", *hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	}
	if hpa.Spec.MaxReplicas < 1 {
		c.add(o, o.doc, "spec.maxReplicas", "must be at least 1")
	}
	for i, m := range hpa.Spec.Metrics {
		if m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil && m.Resource.Target.Type == autoscalingv2.UtilizationMetricType {
			if m.Resource.Target.AverageUtilization == nil || *m.Resource.Target.AverageUtilization < 1 {
				c.add(o, o.doc, fmt.Sprintf("spec.metrics[%d].resource.target.averageUtilization", i), "must be a positive percentage")
			}
			// Utilization is measured against requests: every container needs one.
			for _, pod := range ctx.pods {
				if pod.owner.kind == ref.Kind && pod.owner.name == ref.Name {
					for _, ctr := range pod.spec.Containers {
						if _, ok := ctr.Resources.Requests[m.Resource.Name]; !ok {
							c.add(o, o.doc, fmt.Sprintf("spec.metrics[%d]", i), "%s utilization needs a %s request in container %q of %s", m.Resource.Name, m.Resource.Name, ctr.Name, pod.owner.id())
						}
					}
				}
			}
		}
	}
}

func (c *checker) checkPDB(o *object, ctx *context, pdb *policyv1.PodDisruptionBudget) {
	if (pdb.Spec.MinAvailable == nil) == (pdb.Spec.MaxUnavailable == nil) {
		c.add(o, o.doc, "spec", "set exactly one of minAvailable and maxUnavailable")
	}
	if pdb.Spec.Selector == nil || (len(pdb.Spec.Selector.MatchLabels) == 0 && len(pdb.Spec.Selector.MatchExpressions) == 0) {
		c.add(o, o.doc, "spec.selector", "is empty: the budget would cover every pod of the namespace")
		return
	}
	s, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		c.add(o, o.doc, "spec.selector", "%v", err)
		return
	}
	pods := ctx.podsSelectedBy(s)
	if len(pods) == 0 {
		c.add(o, o.doc, "spec.selector", "%s selects no pod of the chart", s)
	}
	for _, pod := range pods {
		// The fewest replicas the workload may have: fixed, or the autoscaler's minimum.
		least := pod.replicas
		if h := ctx.hpaFor(pod.owner); h != nil {
			one := int32(1)
			least = h.obj.(*autoscalingv2.HorizontalPodAutoscaler).Spec.MinReplicas
			if least == nil {
				least = &one
			}
		}
		if pdb.Spec.MinAvailable != nil && pdb.Spec.MinAvailable.Type == intstr.Int && least != nil && pdb.Spec.MinAvailable.IntVal >= *least {
			c.add(o, o.doc, "spec.minAvailable", "%d while %s may run %d replicas: no node could be drained", pdb.Spec.MinAvailable.IntVal, pod.owner.id(), *least)
		}
	}
}

func (c *checker) checkNetworkPolicy(o *object, ctx *context, np *networkingv1.NetworkPolicy) {
	s, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	if err != nil {
		c.add(o, o.doc, "spec.podSelector", "%v", err)
		return
	}
	pods := ctx.podsSelectedBy(s)
	if len(pods) == 0 {
		c.add(o, o.doc, "spec.podSelector", "%s selects no pod of the chart", s)
		return
	}
	for i, rule := range np.Spec.Ingress {
		for j, p := range rule.Ports {
			if p.Port == nil {
				continue
			}
			for _, pod := range pods {
				if !pod.hasPort(*p.Port) {
					c.add(o, o.doc, fmt.Sprintf("spec.ingress[%d].ports[%d].port", i, j), "%s is no container port of %s", p.Port.String(), pod.owner.id())
				}
			}
		}
	}
}

// checkSecretsUsed: every existingSecret of the values is used by some pod, so that a value
// the templates ignore does not pass for configured.
func (c *checker) checkSecretsUsed(ctx *context) {
	for _, name := range sortedKeys(ctx.existingSecrets) {
		if !ctx.secretsUsed[name] {
			c.problems = append(c.problems, Problem{Values: c.set, Field: ctx.existingSecrets[name],
				Message: fmt.Sprintf("Secret %q is configured but no pod refers to it", name)})
		}
	}
}

// checkPrometheusPort: a prometheus.io/port annotation names a port that exists.
func (c *checker) checkPrometheusPort(o *object, has func(int32) bool) {
	c.checkPrometheusAnnotations(o, "metadata.annotations", o.meta.GetAnnotations(), has)
}

func (c *checker) checkPrometheusAnnotations(o *object, fld string, ann map[string]string, has func(int32) bool) {
	v, ok := ann["prometheus.io/port"]
	if !ok {
		return
	}
	var port int32
	if _, err := fmt.Sscan(v, &port); err != nil || port < 1 {
		c.add(o, o.doc, fld+"[prometheus.io/port]", "%q is not a port number", v)
		return
	}
	if !has(port) {
		c.add(o, o.doc, fld+"[prometheus.io/port]", "%d is not a declared port", port)
	}
	if p, ok := ann["prometheus.io/path"]; ok && !strings.HasPrefix(p, "/") {
		c.add(o, o.doc, fld+"[prometheus.io/path]", "%q must start with /", p)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
