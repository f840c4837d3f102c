package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

func TestUsersAdd(t *testing.T) {
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	const pw = "みどり野市の青い空と白い雲"
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		err   string // "" for success
	}{
		{"first admin", []string{"--login", "admin", "--role", "admin"}, pw + "\n", ""},
		{"login taken", []string{"--login", "ADMIN", "--role", "admin"}, pw + "\n", "使われています"},
		{"weak password", []string{"--login", "admin2", "--role", "admin"}, "password1234\n", "よく使われる"},
		{"short password", []string{"--login", "admin2", "--role", "admin"}, "short\n", "12文字以上"},
		{"no password", []string{"--login", "admin2", "--role", "admin"}, "", "no password"},
		{"editor needs a department", []string{"--login", "ed", "--role", "editor"}, pw + "\n", "所属課"},
		{"unknown department", []string{"--login", "ed", "--role", "editor", "--department", "nope"}, pw + "\n", "no department"},
		{"unknown role", []string{"--email", "root@example.jp", "--role", "root"}, pw + "\n", "役割"},
		{"missing login", []string{"--role", "admin"}, pw + "\n", "needs --login"},
		{"e-mail login, CRLF", []string{"--email", "kanri@example.jp", "--role", "admin"}, pw + "\r\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			args := append([]string{"users", "add", "--data", dir}, tc.args...)
			err := run(context.Background(), args, noEnv, strings.NewReader(tc.stdin), &stderr)
			if tc.err == "" && err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
	store, err := catalog.Open(context.Background(), filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, login := range []string{"admin", "kanri@example.jp"} {
		u, _, err := store.Login(context.Background(), login, pw, catalog.Actor{Address: "test"})
		if err != nil || u.Role != catalog.RoleAdmin {
			t.Fatalf("login %s: %v %v", login, u, err)
		}
	}
	users, _ := store.Users(context.Background())
	if len(users) != 2 {
		t.Fatalf("%d users", len(users))
	}
}
