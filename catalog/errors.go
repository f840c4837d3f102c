package catalog

import (
	"errors"
	"fmt"
)

// ErrorKind is the small vocabulary of failures every layer shares; web maps
// each to an HTTP status in one place.
type ErrorKind int

// Error kinds.
const (
	Internal ErrorKind = iota
	NotFound
	Invalid
	Conflict
	Unauthorized
	Forbidden
	TooLarge
	Unavailable
	TooManyRequests
)

// Error carries a kind and a message that is safe to show a user.
type Error struct {
	Kind    ErrorKind
	Message string // user-safe
	Err     error  // the cause, logged, never shown
}

// Error is the message and the cause, for logs: it may hold detail that is
// not for users (MessageOf gives what is).
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause, so errors.Is and errors.As see through an Error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error of kind k with a user-safe message.
func Errorf(k ErrorKind, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// KindOf tells the kind of err: Internal unless an *Error is in its chain.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf is the user-safe message of err ("internal error" for anything
// that is not an *Error).
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
