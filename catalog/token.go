package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TokenPrefix starts every personal API token, so that one pasted where it
// should not be is easy to spot (and to scan for).
const TokenPrefix = "mod_"

// Token is a personal API token, without its secret.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Department string     `json:"department,omitempty"`
	Created    time.Time  `json:"created"`
	LastUsed   *time.Time `json:"last_used,omitempty"`
	Revoked    *time.Time `json:"revoked,omitempty"`
}

// CreateToken makes a personal API token for u, scoped to u's department,
// and returns its secret: shown once, kept only as a hash. Invalid without
// a name; otherwise internal errors.
func (s *Store) CreateToken(ctx context.Context, u *User, name string, by Actor) (string, *Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return "", nil, Errorf(Invalid, "トークンの名前を100文字以内で入れてください")
	}
	secret, err := randomSecret()
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	raw := TokenPrefix + secret
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	defer tx.Rollback()
	now := s.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, hash, department, created) VALUES (?, ?, ?, ?, ?)`,
		u.ID, name, hashSecret(raw), nullString(u.Department), fixedTime(now))
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	if err := s.audit(ctx, tx, by, AuditTokenCreate, u.Login, fmt.Sprintf("token=%d name=%s", id, name)); err != nil {
		return "", nil, err
	}
	if err := tx.Commit(); err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return raw, &Token{ID: id, UserID: u.ID, Name: name, Department: u.Department, Created: now}, nil
}

const tokenSelect = `SELECT id, user_id, name, coalesce(department, ''), created, last_used, revoked FROM api_tokens`

func scanToken(row interface{ Scan(...any) error }) (*Token, error) {
	var t Token
	var created string
	var used, revoked sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Department, &created, &used, &revoked); err != nil {
		return nil, err
	}
	t.Created = parseTime(created)
	if used.Valid {
		at := parseTime(used.String)
		t.LastUsed = &at
	}
	if revoked.Valid {
		at := parseTime(revoked.String)
		t.Revoked = &at
	}
	return &t, nil
}

// Tokens lists the tokens of a user, newest first. Errors are internal.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]*Token, error) {
	var out []*Token
	err := s.eachRow(ctx, tokenSelect+` WHERE user_id = ? ORDER BY id DESC`, []any{userID}, func(rows *sql.Rows) error {
		t, err := scanToken(rows)
		out = append(out, t)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes one of the user's tokens. NotFound when the user has
// no such token (revoked ones included: revoking twice is harmless).
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64, by Actor) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = coalesce(revoked, ?) WHERE id = ? AND user_id = ?`,
		fixedTime(s.Now()), tokenID, userID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(NotFound, "トークンが見つかりません")
	}
	if err := s.audit(ctx, tx, by, AuditTokenRevoke, by.Login, fmt.Sprintf("token=%d", tokenID)); err != nil {
		return err
	}
	return tx.Commit()
}

// TokenUser returns the user a token acts for, its department narrowed to
// the token's scope, and records the use in the audit log. Unauthorized for
// an unknown or revoked token or a disabled user.
func (s *Store) TokenUser(ctx context.Context, raw string, by Actor) (*User, error) {
	if !strings.HasPrefix(raw, TokenPrefix) {
		return nil, Errorf(Unauthorized, "API トークンが正しくありません")
	}
	t, err := scanToken(s.DB.QueryRowContext(ctx, tokenSelect+` WHERE hash = ?`, hashSecret(raw)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(Unauthorized, "API トークンが正しくありません")
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	u, err := s.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if t.Revoked != nil || u.Disabled {
		return nil, Errorf(Unauthorized, "API トークンが正しくありません")
	}
	// The token acts within its scope even if its user has moved since.
	u.Department = t.Department
	if u.Role == RoleAdmin && t.Department != "" {
		u.Role = RoleEditor
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, fixedTime(s.Now()), t.ID); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	by.Login = u.Login
	if err := s.audit(ctx, tx, by, AuditTokenUse, u.Login, fmt.Sprintf("token=%d", t.ID)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return u, nil
}
