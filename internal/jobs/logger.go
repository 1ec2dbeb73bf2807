package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hibiken/asynq"
)

// AsynqLogger gives asynq (its server and scheduler) Clearpost's structured logger: asynq's
// messages become records with component=asynq.
func AsynqLogger(log *slog.Logger) asynq.Logger {
	return asynqLogger{log.With(slog.String("component", "asynq"))}
}

type asynqLogger struct{ log *slog.Logger }

func (l asynqLogger) Debug(args ...any) { l.emit(slog.LevelDebug, args) }
func (l asynqLogger) Info(args ...any)  { l.emit(slog.LevelInfo, args) }
func (l asynqLogger) Warn(args ...any)  { l.emit(slog.LevelWarn, args) }
func (l asynqLogger) Error(args ...any) { l.emit(slog.LevelError, args) }

// Fatal logs at error level and exits, as asynq.Logger requires.
func (l asynqLogger) Fatal(args ...any) {
	l.emit(slog.LevelError, args)
	os.Exit(1)
}

func (l asynqLogger) emit(level slog.Level, args []any) {
	l.log.Log(context.Background(), level, fmt.Sprint(args...))
}

// asynqLogLevel is the least severe level log enables, but never debug: asynq's debug output is a
// line per empty poll, several times a second.
func asynqLogLevel(log *slog.Logger) asynq.LogLevel {
	ctx := context.Background()
	switch {
	case log.Enabled(ctx, slog.LevelInfo):
		return asynq.InfoLevel
	case log.Enabled(ctx, slog.LevelWarn):
		return asynq.WarnLevel
	default:
		return asynq.ErrorLevel
	}
}
