package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const realChart = "../../deploy/helm/clearpost"

// realSets are the value sets the command checks by default: the defaults and every ci/*.yaml.
func realSets(t *testing.T, dir string) []ValueSet {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "ci", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ci/*.yaml values in %s: %v", dir, err)
	}
	sets := []ValueSet{{Name: "default values"}}
	for _, f := range files {
		sets = append(sets, ValueSet{Name: filepath.Base(f), File: f})
	}
	return sets
}

func TestRealChartPasses(t *testing.T) {
	t.Parallel()
	report, err := Check(realChart, Options{Release: "clearpost", Namespace: "clearpost"}, realSets(t, realChart))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range report.Problems {
		t.Error(p)
	}
	// Every optional part renders with the all-optional values.
	want := map[string][]string{
		"default values":           {"Deployment", "HorizontalPodAutoscaler", "Job", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceAccount"},
		"all-optional-values.yaml": {"ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job", "NetworkPolicy", "PodDisruptionBudget", "Service"},
	}
	for _, s := range report.Sets {
		for _, kind := range want[s.Name] {
			if !strings.Contains(strings.Join(s.Kinds, ","), " "+kind) {
				t.Errorf("%s renders no %s: %v", s.Name, kind, s.Kinds)
			}
		}
	}
}

func TestMisspeltFieldFails(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"testdata/misspelt"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr.String())
	}
	want := `misspelt/templates/deployment.yaml: Deployment/clearpost-app: unknown field "spec.template.spec.containers[0].imagePullPolize"`
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr does not name the object and field:\n%s\nwant it to contain:\n%s", stderr.String(), want)
	}
}

// TestBrokenCharts breaks the real chart one way at a time and expects the problem to be named.
func TestBrokenCharts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string // relative to the chart
		old  string
		new  string
		want []string // each must be in one problem line
	}{{
		name: "misspelt field",
		file: "templates/serve-deployment.yaml", old: "imagePullPolicy:", new: "imagePullPolicyy:",
		want: []string{`Deployment/clearpost-serve: unknown field "spec.template.spec.containers[0].imagePullPolicyy"`},
	}, {
		name: "mistyped field",
		file: "templates/serve-deployment.yaml", old: "replicas: {{ $v.replicas }}", new: `replicas: "{{ $v.replicas }}"`,
		// Rendered only without the autoscaler: minimal-values.yaml.
		want: []string{"[minimal-values.yaml]", "Deployment/clearpost-serve", "cannot unmarshal string"},
	}, {
		name: "probe on a port that does not exist",
		file: "templates/serve-deployment.yaml", old: "path: /readyz\n              port: http", new: "path: /readyz\n              port: htp",
		want: []string{"Deployment/clearpost-serve: spec.template.spec.containers[0].readinessProbe.httpGet.port:", `named port "htp"`},
	}, {
		name: "probe path",
		file: "templates/serve-deployment.yaml", old: "path: /healthz", new: "path: healthz",
		want: []string{"startupProbe.httpGet.path:", `"healthz" must start with /`},
	}, {
		name: "service target port",
		file: "templates/service.yaml", old: "targetPort: metrics", new: "targetPort: metric",
		want: []string{"Service/clearpost: spec.ports[1].targetPort:", "metric is no container port of Deployment/clearpost-serve"},
	}, {
		name: "selector does not match the pod template",
		file: "templates/worker-deployment.yaml",
		old:  "  selector:\n    matchLabels:\n      {{- include \"clearpost.selectorLabels\" $ctx | nindent 6 }}",
		new:  "  selector:\n    matchLabels:\n      app: worker",
		want: []string{"Deployment/clearpost-worker: spec.selector:", "does not select the pod template's labels"},
	}, {
		name: "a Secret name not from the values",
		file: "templates/_helpers.tpl",
		old:  `name: {{ required "redis.existingSecret: name the Secret holding the Redis URL" .Values.redis.existingSecret }}`,
		new:  "name: redis-password",
		want: []string{`Secret "redis-password" is not named in the values`, `values redis.existingSecret: Secret "clearpost-redis" is configured but no pod refers to it`},
	}, {
		name: "a template reading a value that does not exist",
		file: "templates/worker-deployment.yaml", old: ".Values.image.pullPolicy", new: ".Values.image.pulPolicy",
		want: []string{"render:", "pulPolicy"},
	}, {
		name: "an inline secret",
		file: "templates/secret.yaml", new: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: inline\nstringData:\n  password: hunter2\n",
		want: []string{"Secret/inline: kind: the chart renders a Secret"},
	}, {
		name: "a secret as a literal environment variable",
		file: "values.yaml", old: "  extraEnv: {}", new: "  extraEnv:\n    CLEARPOST_CLICK_KEY: literal-click-key-0123456789",
		want: []string{"CLEARPOST_CLICK_KEY looks like a secret but is a literal"},
	}, {
		name: "writable root file system",
		file: "values.yaml", old: "  readOnlyRootFilesystem: true\n", new: "",
		want: []string{"Job/clearpost-migrate: spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem:"},
	}, {
		name: "container without an image",
		file: "templates/_helpers.tpl", old: `{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}`, new: "",
		want: []string{`Deployment/clearpost-serve: spec.template.spec.containers[0].image: container "serve" has no image`},
	}, {
		name: "autoscaler aimed at nothing",
		file: "templates/serve-hpa.yaml", old: "    name: {{ include \"clearpost.componentName\" $ctx }}", new: "    name: clearpost-api",
		want: []string{"HorizontalPodAutoscaler/clearpost-serve: spec.scaleTargetRef: apps/v1 Deployment/clearpost-api is not rendered by the chart"},
	}, {
		name: "volume mount without its volume",
		file: "templates/_helpers.tpl", old: "- name: tmp\n  mountPath: /tmp", new: "- name: scratch\n  mountPath: /tmp",
		want: []string{`volumeMounts[0].name: volume "scratch" is not defined in the pod`},
	}, {
		name: "a misspelt values key (values.schema.json)",
		file: "ci/minimal-values.yaml", old: "  replicas: 1\n  autoscaling", new: "  replica: 1\n  autoscaling",
		want: []string{"[minimal-values.yaml] values.yaml: helm lint:", "additional properties 'replica' not allowed"},
	}, {
		name: "unknown hook",
		file: "templates/migrations-job.yaml", old: "pre-install,pre-upgrade", new: "pre-instal,pre-upgrade",
		want: []string{`Job/clearpost-migrate: metadata.annotations[helm.sh/hook]: "pre-instal" is no Helm hook`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := copyChart(t, realChart)
			target := filepath.Join(dir, tt.file)
			if tt.old == "" {
				if err := os.WriteFile(target, []byte(tt.new), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				b, err := os.ReadFile(target)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), tt.old) {
					t.Fatalf("%s does not contain %q: update the test", tt.file, tt.old)
				}
				if err := os.WriteFile(target, []byte(strings.Replace(string(b), tt.old, tt.new, 1)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			report, err := Check(dir, Options{Release: "clearpost", Namespace: "clearpost"}, realSets(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(report.Problems) == 0 {
				t.Fatal("the broken chart passed")
			}
			var lines []string
			for _, p := range report.Problems {
				lines = append(lines, p.String())
			}
			all := strings.Join(lines, "\n")
			for _, want := range tt.want {
				if !strings.Contains(all, want) {
					t.Errorf("no problem says %q; problems:\n%s", want, all)
				}
			}
		})
	}
}

func copyChart(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "clearpost")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
