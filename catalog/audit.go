package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Audit actions. Later steps of the admin pages add upload, publish,
// withdraw, metadata change and override.
const (
	AuditLoginSuccess   = "login.success"
	AuditLoginFailure   = "login.failure"
	AuditLoginThrottled = "login.throttled"
	AuditLogout         = "logout"
	AuditLogoutAll      = "logout.everywhere"
	AuditUserCreate     = "user.create"
	AuditUserRole       = "user.role"
	AuditUserDisable    = "user.disable"
	AuditUserEnable     = "user.enable"
	AuditTokenCreate    = "token.create"
	AuditTokenUse       = "token.use"
	AuditTokenRevoke    = "token.revoke"
	AuditPIIOverride    = "pii.override"
)

// Actor is who does something, as the audit log records it.
type Actor struct {
	Login   string // "" when not logged in
	Address string // the client's address
}

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Address string    `json:"address"`
	Action  string    `json:"action"`
	Target  string    `json:"target"`
	Detail  string    `json:"detail"`
}

// AuditFilter selects audit rows; empty fields select everything.
type AuditFilter struct {
	Actor  string
	Action string
	Limit  int // 0: no limit
	Offset int
}

// auditTimeLayout has a fixed width, unlike RFC3339Nano (which drops
// trailing zeros), so that times compare correctly as text in SQL.
const auditTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func fixedTime(t time.Time) string { return t.UTC().Format(auditTimeLayout) }

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// audit appends e (its time is now) through q, so a change and its audit
// row commit together.
func (s *Store) audit(ctx context.Context, q execer, by Actor, action, target, detail string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, actor, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		fixedTime(s.Now()), by.Login, by.Address, action, target, detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit appends one row to the audit log. Errors are internal.
func (s *Store) Audit(ctx context.Context, by Actor, action, target, detail string) error {
	return s.audit(ctx, s.DB, by, action, target, detail)
}

func (f AuditFilter) where() (string, []any) {
	var where []string
	var args []any
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// AuditLog returns a page of the audit log, newest first, and the total
// that match. Errors are internal.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	where, args := f.where()
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	var out []AuditEntry
	err := s.EachAudit(ctx, f, func(e AuditEntry) error {
		out = append(out, e)
		return nil
	})
	return out, total, err
}

// EachAudit calls fn for each matching row, newest first, without holding
// them all: the CSV export streams. Errors are internal or fn's.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, fn func(AuditEntry) error) error {
	where, args := f.where()
	q := `SELECT id, at, actor, address, action, target, detail FROM audit_log` + where + ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	err := s.eachRow(ctx, q, args, func(rows *sql.Rows) error {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Address, &e.Action, &e.Target, &e.Detail); err != nil {
			return err
		}
		e.At = parseTime(at)
		return fn(e)
	})
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}
