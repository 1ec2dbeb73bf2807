package approval

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common"
	"github.com/google/cel-go/ext"

	"clearpost/internal/text"
)

// Limits on routing rule expressions. A rule is written by a marketer but evaluated on every
// submit, so neither its size nor its running time may be unbounded.
const (
	// MaxExpressionLength is the longest expression Compile accepts, in characters.
	MaxExpressionLength = 2000
	// evalCostLimit bounds CEL's runtime cost: about one unit per operation, plus about one per
	// character a string function reads. Most rules cost under a hundred; lower-casing and
	// searching the longest body a post may have (100,000 characters) costs about 120,000.
	evalCostLimit = 1_000_000
	// evalTimeout is a backstop behind the cost limit, checked by comprehensions every
	// interruptEvery iterations. It is needed: cel-go's cost tracking slows comprehensions over
	// long lists down quadratically, so post.body.split(" ").exists(...) over a 100,000-character
	// body takes half a second while its cost stays under the limit.
	evalTimeout    = 250 * time.Millisecond
	interruptEvery = 100
	// maxComprehensionNesting refuses e.g. a.all(x, b.all(y, c.all(z, d.all(...)))) at compile
	// time, whose cost grows polynomially with the post.
	maxComprehensionNesting = 3
	// compiledCacheSize bounds the cache of compiled expressions.
	compiledCacheSize = 512
)

// ExprError is a routing expression that does not compile, with the position of the problem.
// Line and Column are 1-based; Column counts characters (Unicode code points), not bytes.
type ExprError struct {
	Line    int
	Column  int
	Message string
}

func (e *ExprError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// ErrTooExpensive is the error (in the chain) of an evaluation stopped by the cost or time limit.
var ErrTooExpensive = errors.New("expression is too expensive to evaluate")

// CompiledRule is a checked, planned routing expression, ready to evaluate. It is immutable and
// safe for concurrent use.
type CompiledRule struct {
	expr string
	prg  cel.Program
}

// Expression returns the source text of r.
func (r *CompiledRule) Expression() string { return r.expr }

var (
	envOnce sync.Once
	env     *cel.Env
	envErr  error

	compiled = newLRU[*CompiledRule](compiledCacheSize)
)

// celEnv returns the one environment every routing expression compiles in: `post` (Facts, by its
// cel struct tags) and `labels` (list of label names), with the CEL strings extension.
func celEnv() (*cel.Env, error) {
	envOnce.Do(func() {
		env, envErr = cel.NewEnv(
			ext.NativeTypes(reflect.TypeFor[Facts](), ext.ParseStructTags(true)),
			cel.Variable("post", cel.ObjectType("approval.Facts")),
			cel.Variable("labels", cel.ListType(cel.StringType)),
			ext.Strings(),
			cel.ParserExpressionSizeLimit(MaxExpressionLength),
			cel.ExtendedValidations(),
			cel.ASTValidators(cel.ValidateComprehensionNestingLimit(maxComprehensionNesting)),
		)
		if envErr != nil {
			envErr = fmt.Errorf("routing expression environment: %w", envErr)
		}
	})
	return env, envErr
}

// Compile checks a routing expression and prepares it for evaluation. An expression that is
// empty, longer than MaxExpressionLength, does not parse or type-check, or is not a bool is
// refused with an *ExprError. Compiled rules are cached by their text, so compiling the rules of
// an organization on every submit is cheap.
func Compile(expr string) (*CompiledRule, error) {
	if r, ok := compiled.get(expr); ok {
		return r, nil
	}
	r, err := compile(expr)
	if err != nil {
		return nil, err
	}
	compiled.put(expr, r)
	return r, nil
}

func compile(expr string) (*CompiledRule, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, &ExprError{Line: 1, Column: 1, Message: "an expression is required"}
	}
	if n := utf8.RuneCountInString(expr); n > MaxExpressionLength {
		line, col := position(expr, MaxExpressionLength)
		return nil, &ExprError{Line: line, Column: col,
			Message: fmt.Sprintf("expression is %d characters long; at most %d are allowed", n, MaxExpressionLength)}
	}
	e, err := celEnv()
	if err != nil {
		return nil, err
	}
	ast, iss := e.Compile(expr)
	if iss.Err() != nil {
		return nil, issueError(iss)
	}
	if t := ast.OutputType(); !t.IsExactType(cel.BoolType) {
		line, col := 1, 1
		if a := ast.NativeRep(); a != nil {
			line, col = location(a.SourceInfo().GetStartLocation(a.Expr().ID()))
		}
		return nil, &ExprError{Line: line, Column: col,
			Message: fmt.Sprintf("expression must be true or false (a bool), not %s", t)}
	}
	prg, err := e.Program(ast,
		cel.CostLimit(evalCostLimit),
		cel.InterruptCheckFrequency(interruptEvery),
		cel.EvalOptions(cel.OptOptimize),
	)
	if err != nil {
		// Planning can still refuse a checked expression, e.g. a constant regex that folds to
		// an error under OptOptimize; it has no position, so point at the start.
		return nil, &ExprError{Line: 1, Column: 1, Message: err.Error()}
	}
	return &CompiledRule{expr: expr, prg: prg}, nil
}

// Eval evaluates r for a post. It fails when the expression errs at run time (an index out of
// range, a cost or time limit exceeded, ...); a rule never silently counts as false.
func (r *CompiledRule) Eval(facts Facts, labels []string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), evalTimeout)
	defer cancel()
	if labels == nil {
		labels = []string{}
	}
	out, details, err := r.prg.ContextEval(ctx, map[string]any{"post": facts, "labels": labels})
	if err != nil {
		if ctx.Err() != nil || (details != nil && details.ActualCost() != nil && *details.ActualCost() > evalCostLimit) {
			err = fmt.Errorf("%w (%v)", ErrTooExpensive, err)
		}
		return false, fmt.Errorf("evaluate %q: %w", text.Truncate(r.expr, 80), err)
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("evaluate %q: result is %s, not a bool", text.Truncate(r.expr, 80), out.Type())
	}
	return b, nil
}

// issueError turns the first of CEL's compile issues into an *ExprError.
func issueError(iss *cel.Issues) error {
	errs := iss.Errors()
	if len(errs) == 0 {
		return &ExprError{Line: 1, Column: 1, Message: iss.String()}
	}
	first := errs[0]
	line, col := location(first.Location)
	// The checker names the (empty) container in undeclared references; it means nothing to
	// the person who wrote the rule.
	msg := strings.TrimSuffix(first.Message, " (in container '')")
	if n := len(errs) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more %s)", n, plural(n, "problem", "problems"))
	}
	return &ExprError{Line: line, Column: col, Message: msg}
}

// location turns a CEL location (1-based line, 0-based column) into a 1-based line and column.
func location(l common.Location) (line, col int) {
	if l == nil || l.Line() < 1 {
		return 1, 1
	}
	return l.Line(), max(l.Column(), 0) + 1
}

// position returns the 1-based line and column of the character at index i (in characters).
func position(s string, i int) (line, col int) {
	line, col = 1, 1
	n := 0
	for _, r := range s {
		if n == i {
			break
		}
		n++
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
