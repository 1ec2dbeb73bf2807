package main

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	chartcommon "helm.sh/helm/v4/pkg/chart/common"
	chartutil "helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
)

// Options name the release the chart is rendered as.
type Options struct {
	Release   string
	Namespace string
	Print     io.Writer // when set, every rendered document is written to it
}

// ValueSet is one way of installing the chart: its defaults, or its defaults and a values file.
type ValueSet struct {
	Name string // how problems name it
	File string // empty: the chart's defaults alone
}

// document is one rendered YAML document and where it came from.
type document struct {
	Source string // the template, such as clearpost/templates/service.yaml
	Index  int    // its position in that template's output
	YAML   string
}

// rendered is the chart rendered with one value set.
type rendered struct {
	Values map[string]any // the coalesced values the templates saw
	Docs   []document
}

// render lints and renders the chart the way `helm template` does, offline, with
// missingkey=error: a template reading a value that does not exist fails instead of printing
// nothing.
func render(ch *chart.Chart, dir string, opts Options, set ValueSet) (rendered, []Problem, error) {
	var problems []Problem
	overrides := map[string]any{}
	if set.File != "" {
		v, err := chartcommon.ReadValuesFile(set.File)
		if err != nil {
			return rendered{}, nil, fmt.Errorf("%s: %w", set.File, err)
		}
		overrides = v.AsMap()
	}

	// helm lint: Chart.yaml, values (and values.schema.json), templates, deprecated APIs.
	linter := lint.RunAll(dir, overrides, opts.Namespace)
	valuesFailed := false
	for _, m := range linter.Messages {
		// "templates/" is lint's own rendering, which the rendering below reports more strictly.
		if m.Severity < support.WarningSev || m.Path == "templates/" {
			continue
		}
		valuesFailed = valuesFailed || m.Path == "values.yaml"
		problems = append(problems, Problem{Values: set.Name, Source: m.Path, Message: "helm lint: " + strings.TrimSpace(m.Err.Error())})
	}

	caps := chartcommon.DefaultCapabilities.Copy()
	vals, err := chartutil.ToRenderValuesWithSchemaValidation(ch, overrides, chartcommon.ReleaseOptions{
		Name: opts.Release, Namespace: opts.Namespace, Revision: 1, IsInstall: true,
	}, caps, false)
	if err != nil {
		if !valuesFailed { // else lint said it already
			problems = append(problems, Problem{Values: set.Name, Message: "values: " + strings.TrimSpace(err.Error())})
		}
		return rendered{}, problems, nil
	}
	files, err := engine.Engine{Strict: true}.Render(ch, vals)
	if err != nil {
		return rendered{}, append(problems, Problem{Values: set.Name, Message: "render: " + strings.TrimSpace(err.Error())}), nil
	}

	out := rendered{Values: map[string]any{}}
	if v, ok := vals["Values"].(chartcommon.Values); ok {
		out.Values = v.AsMap()
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") || path.Base(name) == "NOTES.txt" {
			continue
		}
		split := releaseutil.SplitManifests(files[name])
		keys := make([]string, 0, len(split))
		for k := range split {
			keys = append(keys, k)
		}
		sort.Sort(releaseutil.BySplitManifestsOrder(keys))
		i := 0
		for _, k := range keys {
			if onlyComments(split[k]) {
				continue
			}
			out.Docs = append(out.Docs, document{Source: name, Index: i, YAML: split[k]})
			if opts.Print != nil {
				fmt.Fprintf(opts.Print, "---\n# values: %s\n# source: %s\n%s\n", set.Name, name, strings.TrimSpace(split[k]))
			}
			i++
		}
	}
	return out, problems, nil
}

// onlyComments reports whether a YAML document holds nothing but comments and blank lines.
func onlyComments(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return false
		}
	}
	return true
}

func loadChart(dir string) (*chart.Chart, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	return ch, nil
}
