package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Session lifetimes: an idle session ends after SessionIdle, any session
// after SessionMax, whatever its use.
const (
	SessionIdle = 30 * time.Minute
	SessionMax  = 12 * time.Hour
)

// Login throttling: after LoginMaxFailures failed logins for one account
// (since its last success) or LoginMaxAddressFailures from one client
// address within LoginWindow, further attempts are refused until the oldest
// counted failure leaves the window. The address limit is higher because a
// city hall's offices share a few addresses.
const (
	LoginWindow             = 15 * time.Minute
	LoginMaxFailures        = 5
	LoginMaxAddressFailures = 20
)

// Throttled is the cause of a refused login: try again after RetryAfter.
type Throttled struct{ RetryAfter time.Duration }

func (t *Throttled) Error() string { return fmt.Sprintf("throttled for %s", t.RetryAfter) }

// errBadLogin is the one answer for an unknown login, a wrong password and
// a disabled account, so that the answer tells nothing about accounts.
func errBadLogin() error {
	return Errorf(Unauthorized, "ログイン名またはパスワードが違います")
}

// dummyHash is verified against when the login is unknown, so that an
// unknown login takes as long to refuse as a wrong password.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0N5WdqiBlXxhAKj1lG6vS1ZmgD2pCOUaIPIBpSBcHXM"

func hashSecret(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// Login checks a login and password and opens a new session: the returned
// secret is the session id for the cookie, known only to the caller (the
// store keeps its hash). Each success makes a new id, so a session id
// planted before login is worthless. Every outcome is audited.
//
// Unauthorized for a bad login or password or a disabled account (one
// message for all); TooManyRequests, with a *Throttled cause, while
// throttled; otherwise internal errors.
func (s *Store) Login(ctx context.Context, login, password string, by Actor) (*User, string, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	by.Login = login
	if wait, err := s.loginWait(ctx, login, by.Address); err != nil {
		return nil, "", err
	} else if wait > 0 {
		if err := s.Audit(ctx, by, AuditLoginThrottled, login, ""); err != nil {
			return nil, "", err
		}
		return nil, "", &Error{Kind: TooManyRequests, Message: "ログインの失敗が続いたため、しばらくお待ちください",
			Err: &Throttled{RetryAfter: wait}}
	}
	var hash string
	var id int64
	var disabled bool
	err := s.DB.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE login = ?`, login).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		hash = dummyHash
	} else if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	if ok := verifyPassword(hash, password); !ok || id == 0 || disabled {
		if err := s.Audit(ctx, by, AuditLoginFailure, login, ""); err != nil {
			return nil, "", err
		}
		return nil, "", errBadLogin()
	}
	raw, err := randomSecret()
	if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	defer tx.Rollback()
	now := fixedTime(s.Now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created, last_seen, address) VALUES (?, ?, ?, ?, ?)`,
		hashSecret(raw), id, now, now, by.Address); err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	// Old sessions of everyone are swept here rather than by a timer.
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen < ? OR created < ?`,
		fixedTime(s.Now().Add(-SessionIdle)), fixedTime(s.Now().Add(-SessionMax))); err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	if err := s.audit(ctx, tx, by, AuditLoginSuccess, login, ""); err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	u, err := s.UserByID(ctx, id)
	return u, raw, err
}

// loginWait is how long login attempts for login from address must wait:
// zero when neither is throttled. The failures are counted in the audit
// log, which already holds them.
func (s *Store) loginWait(ctx context.Context, login, address string) (time.Duration, error) {
	now := s.Now()
	since := fixedTime(now.Add(-LoginWindow))
	var wait time.Duration
	check := func(query string, args ...any) error {
		var at string
		err := s.DB.QueryRowContext(ctx, query, args...).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("login: %w", err)
		}
		// at is the oldest failure that keeps the count at the limit.
		if w := parseTime(at).Add(LoginWindow).Sub(now); w > wait {
			wait = w
		}
		return nil
	}
	if err := check(`SELECT at FROM audit_log WHERE action = ? AND actor = ? AND at > ?
		AND at > coalesce((SELECT max(at) FROM audit_log WHERE action = ? AND actor = ?), '')
		ORDER BY at DESC LIMIT 1 OFFSET ?`,
		AuditLoginFailure, login, since, AuditLoginSuccess, login, LoginMaxFailures-1); err != nil {
		return 0, err
	}
	if address != "" {
		if err := check(`SELECT at FROM audit_log WHERE action = ? AND address = ? AND at > ?
			ORDER BY at DESC LIMIT 1 OFFSET ?`, AuditLoginFailure, address, since, LoginMaxAddressFailures-1); err != nil {
			return 0, err
		}
	}
	if wait > 0 && wait < time.Second {
		wait = time.Second
	}
	return wait, nil
}

// SessionUser returns the user of the session whose secret is raw, and
// marks the session used. Unauthorized when the session is unknown, idle
// too long, too old, or its user is disabled.
func (s *Store) SessionUser(ctx context.Context, raw string) (*User, error) {
	if raw == "" {
		return nil, Errorf(Unauthorized, "ログインしてください")
	}
	var created, lastSeen string
	var userID int64
	h := hashSecret(raw)
	err := s.DB.QueryRowContext(ctx, `SELECT user_id, created, last_seen FROM sessions WHERE id_hash = ?`, h).
		Scan(&userID, &created, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(Unauthorized, "ログインしてください")
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	now := s.Now()
	if now.Sub(parseTime(lastSeen)) > SessionIdle || now.Sub(parseTime(created)) > SessionMax {
		if _, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, h); err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
		return nil, Errorf(Unauthorized, "時間切れのため、もう一度ログインしてください")
	}
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, Errorf(Unauthorized, "ログインしてください")
	}
	// Written at most once a minute: the idle limit needs no finer grain,
	// and each write takes the database's write lock.
	if now.Sub(parseTime(lastSeen)) > time.Minute {
		if _, err := s.DB.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id_hash = ?`, fixedTime(now), h); err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
	}
	return u, nil
}

// Logout ends the session whose secret is raw (nothing when unknown).
// Errors are internal.
func (s *Store) Logout(ctx context.Context, raw string, by Actor) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashSecret(raw)); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if err := s.audit(ctx, tx, by, AuditLogout, by.Login, ""); err != nil {
		return err
	}
	return tx.Commit()
}

// LogoutEverywhere ends every session of the user. Errors are internal.
func (s *Store) LogoutEverywhere(ctx context.Context, userID int64, by Actor) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := s.audit(ctx, tx, by, AuditLogoutAll, by.Login, fmt.Sprintf("sessions=%d", n)); err != nil {
		return err
	}
	return tx.Commit()
}
