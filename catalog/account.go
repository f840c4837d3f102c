package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
)

// Audit actions of passwords and departments.
const (
	AuditPasswordChange = "user.password"
	AuditPasswordReset  = "user.password_reset"
	AuditDepartmentSave = "department.save"
)

// ChangePassword sets a user's own password after checking the current
// one, and ends every session of the user: whoever learnt the old password
// is logged out too. Errors: Unauthorized for a wrong current password,
// Invalid for a new one CheckPassword refuses, NotFound for an unknown user.
func (s *Store) ChangePassword(ctx context.Context, id int64, current, next string, by Actor) error {
	var hash, login string
	err := s.DB.QueryRowContext(ctx, `SELECT password_hash, login FROM users WHERE id = ?`, id).Scan(&hash, &login)
	if errors.Is(err, sql.ErrNoRows) {
		return Errorf(NotFound, "利用者が見つかりません")
	}
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !verifyPassword(hash, current) {
		if err := s.Audit(ctx, by, AuditLoginFailure, login, "password change"); err != nil {
			return err
		}
		return Errorf(Unauthorized, "いまのパスワードが違います")
	}
	return s.setPassword(ctx, id, login, next, by, AuditPasswordChange)
}

// ResetPassword sets another user's password (an admin's act, for a user
// who forgot theirs) and ends the user's sessions. Errors: Invalid for a
// password CheckPassword refuses, NotFound for an unknown user.
func (s *Store) ResetPassword(ctx context.Context, id int64, next string, by Actor) error {
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, id, u.Login, next, by, AuditPasswordReset)
}

func (s *Store) setPassword(ctx context.Context, id int64, login, next string, by Actor, action string) error {
	if err := CheckPassword(login, next); err != nil {
		return err
	}
	hash, err := hashPassword(next)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if err := s.audit(ctx, tx, by, action, login, ""); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

var departmentCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// SaveDepartment creates a department or changes its names and contacts,
// with an audit row. Invalid for a code that is not lower-case ASCII, or
// without a Japanese name.
func (s *Store) SaveDepartment(ctx context.Context, d Department, by Actor) error {
	if !departmentCode.MatchString(d.Code) {
		return Errorf(Invalid, "課のコードは半角の英小文字・数字・ハイフンで書いてください")
	}
	if d.NameJA == "" {
		return Errorf(Invalid, "課の名前（日本語）を書いてください")
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save department: %w", err)
	}
	defer tx.Rollback()
	if err := putDepartment(ctx, tx, d); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, by, AuditDepartmentSave, d.Code, fmt.Sprintf("name=%s name_en=%s", d.NameJA, d.NameEN)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save department: %w", err)
	}
	return nil
}
