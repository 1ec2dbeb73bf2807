package approval

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestCompileRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr   string
		line, column int
		message      string // a substring of the message
	}{
		{"empty", "", 1, 1, "an expression is required"},
		{"blank", " \n\t", 1, 1, "an expression is required"},
		{"too long", `post.body == "` + strings.Repeat("a", 2000) + `"`, 1, 2001, "at most 2000 are allowed"},
		{"too long on a later line", "true ||\n" + strings.Repeat(" ", 1995) + "false", 2, 1993, "is 2008 characters long"},
		{"undeclared variable", `"pricing" in pst.tags`, 1, 14, "undeclared reference to 'pst'"},
		{"unknown field", `post.bdy.contains("price")`, 1, 5, "undefined field 'bdy'"},
		{"unknown field on line 2", "post.body != \"\" &&\n  post.chanels.size() > 0", 2, 7, "undefined field 'chanels'"},
		{"syntax error", `post.body.contains("price"`, 1, 27, "Syntax error"},
		{"unterminated string", `post.body == "abc`, 1, 14, "Syntax error"},
		{"type error", `post.hasMedia == "yes"`, 1, 15, "no matching overload"},
		{"string result", `post.body`, 1, 5, "must be true or false (a bool), not string"},
		{"list result", `labels`, 1, 1, "not list(string)"},
		{"int result", `1 + 2`, 1, 3, "not int"},
		{"dyn result", `dyn(true)`, 1, 4, "not dyn"},
		{"bad regexp literal", `post.body.matches("(")`, 1, 19, "invalid matches argument"},
		{"nested comprehensions", `labels.all(a, labels.all(b, labels.all(c, labels.all(d, a == d))))`, 1, 0, "nesting limit"},
		{"unknown function", `post.body.shout()`, 1, 16, "undeclared reference to 'shout'"},
		{"column counts characters", `"é" == pst.body`, 1, 8, "undeclared reference to 'pst'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(tt.expr)
			var e *ExprError
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%.40q) = %v, want an *ExprError", tt.expr, err)
			}
			if e.Line != tt.line || (tt.column != 0 && e.Column != tt.column) {
				t.Errorf("position = line %d, column %d; want line %d, column %d (%v)", e.Line, e.Column, tt.line, tt.column, e)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tt.message)
			}
			if strings.Contains(e.Message, "container") {
				t.Errorf("message %q mentions CEL's container", e.Message)
			}
		})
	}
}

func TestExprErrorString(t *testing.T) {
	t.Parallel()
	_, err := Compile(`"pricing" in pst`)
	if got, want := err.Error(), "line 1, column 14: undeclared reference to 'pst'"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestEval(t *testing.T) {
	t.Parallel()
	post := Facts{
		Body:     "Our new plan costs $49/month. Check the PRICE list.",
		Link:     "https://example.com/pricing",
		Channels: []string{"linkedin", "x"},
		Tags:     []string{"regulated", "launch"},
		Category: "product",
		Region:   "emea",
		HasMedia: true,
	}
	labels := []string{"pricing"}
	tests := []struct {
		expr string
		want bool
	}{
		{`"pricing" in labels`, true},
		{`"competitor" in labels`, false},
		{`"linkedin" in post.channels`, true},
		{`"facebook" in post.channels`, false},
		{`"regulated" in post.tags`, true},
		{`post.body.lowerAscii().contains("price")`, true},
		{`post.body.contains("price")`, false},
		{`post.link.startsWith("https://example.com/")`, true},
		{`post.category == "product" && post.region in ["emea", "apac"]`, true},
		{`post.hasMedia`, true},
		{`!post.hasMedia`, false},
		{`post.tags.exists(t, t.startsWith("reg"))`, true},
		{`post.channels.size() > 1`, true},
		{`post.body.matches("\\$[0-9]+")`, true},
		{`post.body.split(" ").size() > 5`, true},
		{`labels.size() == 0 || post.region == "us"`, false},
	}
	for _, tt := range tests {
		r, err := Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		got, err := r.Eval(post, labels)
		if err != nil || got != tt.want {
			t.Errorf("Eval(%q) = %v, %v; want %v", tt.expr, got, err, tt.want)
		}
	}
}

// Rules that read the whole body stay within the limits on the longest body a post may have.
func TestEvalLongestBody(t *testing.T) {
	t.Parallel()
	post := Facts{Body: strings.Repeat("Word ", 20000) + "PRICE"}
	for _, expr := range []string{
		`post.body.lowerAscii().contains("price")`,
		`post.body.matches("(?i)\\bprice\\b") && post.body.size() > 1000`,
		`post.body.lowerAscii().indexOf("price") > 0 && post.body.lowerAscii().endsWith("price")`,
	} {
		r, err := Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.Eval(post, nil); err != nil || !got {
			t.Errorf("Eval(%q) = %v, %v; want true", expr, got, err)
		}
	}
}

func TestEvalEmptyFacts(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{`"linkedin" in post.channels`, `post.tags.size() > 0`, `"pricing" in labels`, `post.body != ""`} {
		r, err := Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Eval(Facts{}, nil)
		if err != nil || got {
			t.Errorf("Eval(%q) on empty facts = %v, %v; want false, nil", expr, got, err)
		}
	}
}

func TestEvalRuntimeErrors(t *testing.T) {
	t.Parallel()
	long := Facts{Body: strings.Repeat("ab ", 20000)}
	tests := []struct {
		name, expr string
		facts      Facts
		want       string
	}{
		{"index out of range", `post.tags[0] == "x"`, Facts{}, "index out of bounds"},
		{"division by zero", `1 / post.channels.size() == 1`, Facts{}, "division by zero"},
		{"cost or time limit", `post.body.split("").all(a, post.body.split("").all(b, a != "q"))`, long, "too expensive"},
		{"cost limit on strings", `post.body.lowerAscii().lowerAscii().lowerAscii().lowerAscii().lowerAscii().contains("never")`, Facts{Body: strings.Repeat("a ", 150000)}, "actual cost limit exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Compile(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Eval(tt.facts, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Eval = %v, %v; want an error containing %q", got, err, tt.want)
			}
			if tooExpensive := strings.Contains(tt.name, "limit"); errors.Is(err, ErrTooExpensive) != tooExpensive {
				t.Errorf("errors.Is(%v, ErrTooExpensive) = %v, want %v", err, !tooExpensive, tooExpensive)
			}
		})
	}
}

func TestCompileCaches(t *testing.T) {
	t.Parallel()
	expr := `post.region == "cache-test"`
	a, err := Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("compiling the same expression twice did not reuse the compiled rule")
	}
	if a.Expression() != expr {
		t.Errorf("Expression() = %q, want %q", a.Expression(), expr)
	}
}

func TestCompiledRuleConcurrentUse(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 50 {
				r, err := Compile(`"linkedin" in post.channels && post.body.size() > ` + string(rune('0'+j%10)))
				if err != nil {
					t.Error(err)
					return
				}
				got, err := r.Eval(Facts{Body: strings.Repeat("x", i), Channels: []string{"linkedin"}}, nil)
				if err != nil || got != (i > j%10) {
					t.Errorf("worker %d, iteration %d: got %v, %v", i, j, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestLRU(t *testing.T) {
	t.Parallel()
	c := newLRU[int](2)
	c.put("a", 1)
	c.put("b", 2)
	if v, ok := c.get("a"); !ok || v != 1 { // a is now the most recently used
		t.Fatalf("get(a) = %v, %v", v, ok)
	}
	c.put("c", 3) // evicts b
	if _, ok := c.get("b"); ok {
		t.Error("b survived eviction")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if v, ok := c.get(k); !ok || v != want {
			t.Errorf("get(%s) = %v, %v; want %v", k, v, ok, want)
		}
	}
	c.put("a", 10)
	if v, _ := c.get("a"); v != 10 || c.len() != 2 {
		t.Errorf("after update: get(a) = %v, len = %d", v, c.len())
	}
}
