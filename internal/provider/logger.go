package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger sends the client's debug logs to Terraform's log, masking the
// configured secrets wherever they might appear, so that not even TRACE
// output carries them.
type tflogLogger struct {
	secrets []string
}

func newTflogLogger(secrets []string) tflogLogger {
	return tflogLogger{secrets: secrets}
}

// Debug logs msg with fields at DEBUG level.
func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "password", "token", "authorization", "Authorization")
	if len(l.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	}
	return ctx
}
