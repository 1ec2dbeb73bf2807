// Command chartcheck renders a Helm chart offline, with its default values and with each values
// file it is given (by default every ci/*.yaml of the chart), and checks every rendered object
// against the Kubernetes API types and against what the chart promises operators:
//
//   - helm lint finds no error or warning, and every template renders with missingkey=error;
//   - each object decodes strictly into its k8s.io/api type (an unknown, misspelt, duplicate or
//     mistyped field is an error) and has a valid name, labels and annotations;
//   - pods: every container has an image, resource requests, a non-root read-only security
//     context; probes point at ports the container declares; mounts name volumes that exist;
//   - selectors of Deployments, Services, PodDisruptionBudgets and NetworkPolicies select pods
//     the chart renders; Services and Ingresses point at ports that exist; HPAs at workloads;
//   - the chart renders no Secret and no secret-looking literal: every Secret a pod refers to is
//     named in the values (existingSecret, secretName, imagePullSecrets), and every existingSecret
//     is used.
//
// Usage:
//
//	go run . [-f values.yaml]... CHART_DIR
//
// It prints one line per problem, naming the values, the template, the object and the field, and
// exits 1 when there is any.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chartcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files fileList
	fs.Var(&files, "f", "a values file to check the chart with, besides its defaults (repeatable; default: the chart's ci/*.yaml)")
	release := fs.String("release", "clearpost", "release name to render with")
	namespace := fs.String("namespace", "clearpost", "namespace to render into")
	print := fs.Bool("print", false, "also print the rendered objects (like helm template), each under a comment naming its values and template")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: chartcheck [-f values.yaml]... CHART_DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	if len(files) == 0 {
		ci, _ := filepath.Glob(filepath.Join(dir, "ci", "*.yaml"))
		sort.Strings(ci)
		files = ci
	}
	sets := []ValueSet{{Name: "default values"}}
	for _, f := range files {
		sets = append(sets, ValueSet{Name: f, File: f})
	}
	opts := Options{Release: *release, Namespace: *namespace}
	if *print {
		opts.Print = stdout
	}
	report, err := Check(dir, opts, sets)
	if err != nil {
		fmt.Fprintf(stderr, "chartcheck: %v\n", err)
		return 1
	}
	for _, p := range report.Problems {
		fmt.Fprintln(stderr, p)
	}
	if len(report.Problems) > 0 {
		fmt.Fprintf(stderr, "chartcheck: %s: %d problem(s)\n", dir, len(report.Problems))
		return 1
	}
	for _, s := range report.Sets {
		fmt.Fprintf(stdout, "ok  %s with %s: %d objects (%s)\n", dir, s.Name, s.Objects, strings.Join(s.Kinds, ", "))
	}
	return 0
}
