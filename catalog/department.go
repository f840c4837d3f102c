package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Department is a city department that publishes datasets (foaf:Agent in DCAT).
type Department struct {
	Code   string `json:"code"`
	NameJA string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
	Email  string `json:"email,omitempty"`
	Phone  string `json:"phone,omitempty"`
}

// PutDepartment creates the department or updates its names and contacts.
// Invalid without a code or a Japanese name; otherwise only internal errors.
func (s *Store) PutDepartment(ctx context.Context, d Department) error {
	if d.Code == "" || d.NameJA == "" {
		return Errorf(Invalid, "a department needs a code and a Japanese name")
	}
	return putDepartment(ctx, s.DB, d)
}

func putDepartment(ctx context.Context, q execer, d Department) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO departments (code, name_ja, name_en, email, phone) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name_ja = excluded.name_ja, name_en = excluded.name_en,
			email = excluded.email, phone = excluded.phone`,
		d.Code, d.NameJA, d.NameEN, d.Email, d.Phone)
	if err != nil {
		return fmt.Errorf("put department %s: %w", d.Code, err)
	}
	return nil
}

// Departments lists every department by code. Errors are internal (the
// database failed).
func (s *Store) Departments(ctx context.Context) ([]Department, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT code, name_ja, name_en, email, phone FROM departments ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.Code, &d.NameJA, &d.NameEN, &d.Email, &d.Phone); err != nil {
			return nil, fmt.Errorf("list departments: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Department returns one department; a NotFound error when there is none,
// otherwise only internal errors.
func (s *Store) Department(ctx context.Context, code string) (*Department, error) {
	var d Department
	err := s.DB.QueryRowContext(ctx, `SELECT code, name_ja, name_en, email, phone FROM departments WHERE code = ?`, code).
		Scan(&d.Code, &d.NameJA, &d.NameEN, &d.Email, &d.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "no department with code %q", code)
	}
	if err != nil {
		return nil, fmt.Errorf("department %s: %w", code, err)
	}
	return &d, nil
}
