package report

import "errors"

// Sentinel errors for bad flag values.
var (
	ErrBadFormat = errors.New("report: unknown output format")
	ErrBadFailOn = errors.New("report: unknown --fail-on value")
	ErrBadGlob   = errors.New("report: bad --ignore pattern")
)
