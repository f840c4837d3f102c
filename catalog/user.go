package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// Roles. An admin does everything, users and departments included; an
// editor manages the datasets of their own department; a viewer reads the
// drafts of their department.
const (
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// Roles lists the roles, most powerful first.
var Roles = []Role{RoleAdmin, RoleEditor, RoleViewer}

// Valid tells whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEditor || r == RoleViewer }

// User is an account of the admin pages.
type User struct {
	ID         int64     `json:"id"`
	Login      string    `json:"login"`
	Role       Role      `json:"role"`
	Department string    `json:"department,omitempty"` // "" only for an admin
	Disabled   bool      `json:"disabled"`
	Created    time.Time `json:"created"`
}

// CanRead tells whether u may see the unpublished datasets of department.
func (u *User) CanRead(department string) bool {
	return u.Role == RoleAdmin || (u.Department != "" && u.Department == department)
}

// CanEdit tells whether u may change the datasets of department.
func (u *User) CanEdit(department string) bool {
	return u.Role == RoleAdmin || (u.Role == RoleEditor && u.Department != "" && u.Department == department)
}

// NewUser is what creating a user takes.
type NewUser struct {
	Login      string
	Role       Role
	Department string
	Password   string
}

var loginPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{1,99}$`)

// checkRole checks a role and its department: editors and viewers need one.
func (s *Store) checkRole(ctx context.Context, role Role, dept string) error {
	if !role.Valid() {
		return Errorf(Invalid, "役割 %q はありません（admin, editor, viewer）", role)
	}
	if role != RoleAdmin && dept == "" {
		return Errorf(Invalid, "編集者と閲覧者には所属課が必要です")
	}
	if dept != "" {
		if _, err := s.Department(ctx, dept); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser adds a user, recording it in the audit log. Invalid for a bad
// login, role, department or password; Conflict when the login is taken;
// NotFound for an unknown department.
func (s *Store) CreateUser(ctx context.Context, nu NewUser, by Actor) (*User, error) {
	nu.Login = strings.TrimSpace(nu.Login)
	if !loginPattern.MatchString(nu.Login) {
		return nil, Errorf(Invalid, "ログイン名は英数字と . _ @ + - で2文字以上にしてください")
	}
	if err := s.checkRole(ctx, nu.Role, nu.Department); err != nil {
		return nil, err
	}
	if err := CheckPassword(nu.Login, nu.Password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(nu.Password)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE login = ?`, nu.Login).Scan(&n); err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if n > 0 {
		return nil, Errorf(Conflict, "ログイン名 %q は使われています", nu.Login)
	}
	now := s.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO users (login, role, department, password_hash, created) VALUES (?, ?, ?, ?, ?)`,
		nu.Login, string(nu.Role), nullString(nu.Department), hash, fixedTime(now))
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if err := s.audit(ctx, tx, by, AuditUserCreate, nu.Login, roleText(nu.Role, nu.Department)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return &User{ID: id, Login: nu.Login, Role: nu.Role, Department: nu.Department, Created: now}, nil
}

func roleText(r Role, dept string) string {
	if dept == "" {
		return "role=" + string(r)
	}
	return "role=" + string(r) + " department=" + dept
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const userSelect = `SELECT id, login, role, coalesce(department, ''), disabled, created FROM users`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var created string
	if err := row.Scan(&u.ID, &u.Login, &u.Role, &u.Department, &u.Disabled, &created); err != nil {
		return nil, err
	}
	u.Created = parseTime(created)
	return &u, nil
}

// Users lists every user by login. Errors are internal.
func (s *Store) Users(ctx context.Context) ([]*User, error) {
	var out []*User
	err := s.eachRow(ctx, userSelect+` ORDER BY login`, nil, func(rows *sql.Rows) error {
		u, err := scanUser(rows)
		out = append(out, u)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return out, nil
}

// UserByID returns one user; NotFound when there is none.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.DB.QueryRowContext(ctx, userSelect+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "利用者が見つかりません")
	}
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// SetUserRole changes a user's role and department. Invalid for a bad role
// or a missing department, NotFound for an unknown user or department;
// Conflict when it would leave no active admin.
func (s *Store) SetUserRole(ctx context.Context, id int64, role Role, dept string, by Actor) error {
	if err := s.checkRole(ctx, role, dept); err != nil {
		return err
	}
	return s.changeUser(ctx, id, by, AuditUserRole, roleText(role, dept), role != RoleAdmin,
		`UPDATE users SET role = ?, department = ? WHERE id = ?`, string(role), nullString(dept), id)
}

// SetUserDisabled disables (ending their sessions) or enables a user.
// NotFound for an unknown user; Conflict when it would leave no active
// admin.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, disabled bool, by Actor) error {
	action := AuditUserEnable
	if disabled {
		action = AuditUserDisable
	}
	return s.changeUser(ctx, id, by, action, "", disabled,
		`UPDATE users SET disabled = ? WHERE id = ?`, disabled, id)
}

// changeUser runs one UPDATE of a user with its audit row; losesAdmin says
// whether the change may take away the user's admin rights, which must not
// leave the portal without an active admin.
func (s *Store) changeUser(ctx context.Context, id int64, by Actor, action, detail string, losesAdmin bool, query string, args ...any) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("change user: %w", err)
	}
	defer tx.Rollback()
	u, err := scanUser(tx.QueryRowContext(ctx, userSelect+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Errorf(NotFound, "利用者が見つかりません")
	}
	if err != nil {
		return fmt.Errorf("change user: %w", err)
	}
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("change user: %w", err)
	}
	if losesAdmin && u.Role == RoleAdmin {
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled`).Scan(&admins); err != nil {
			return fmt.Errorf("change user: %w", err)
		}
		if admins == 0 {
			return Errorf(Conflict, "有効な管理者が一人もいなくなります")
		}
	}
	if action == AuditUserDisable {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("change user: %w", err)
		}
	}
	if err := s.audit(ctx, tx, by, action, u.Login, detail); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("change user: %w", err)
	}
	return nil
}
