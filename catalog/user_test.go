package catalog

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// clock is a settable clock for the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) add(d time.Duration)     { c.t = c.t.Add(d) }
func withClock(s *Store) *clock          { c := &clock{t: s.Now()}; s.Now = c.now; return c }
func kindIs(err error, k ErrorKind) bool { return err != nil && KindOf(err) == k }

const goodPassword = "correct horse battery"

func addUser(t *testing.T, s *Store, login string, role Role, dept string) *User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), NewUser{Login: login, Role: role, Department: dept, Password: goodPassword}, Actor{Login: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUserCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		ok       bool
	}{
		{"long enough", goodPassword, true},
		{"japanese counts characters", "みどり野市の青い空と白い雲", true},
		{"too short", "short pw 1", false},
		{"common", "Password1234", false},
		{"repeated", "zzzzzzzzzzzzzz", false},
		{"holds the login", "xx-tanaka-2026-pw", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword("tanaka", tc.pw)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckPassword(%q) = %v", tc.pw, err)
			}
			if err != nil && !kindIs(err, Invalid) {
				t.Fatalf("kind %v", KindOf(err))
			}
		})
	}
}

func TestUserPasswordHash(t *testing.T) {
	h, err := hashPassword(goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, goodPassword) {
		t.Fatalf("hash %q", h)
	}
	if !verifyPassword(h, goodPassword) || verifyPassword(h, goodPassword+"x") {
		t.Fatal("verify")
	}
	if verifyPassword(dummyHash, goodPassword) || verifyPassword("$argon2id$garbage", "") {
		t.Fatal("dummy or malformed hash matched")
	}
}

func TestUserCreateAndRoles(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	admin := addUser(t, s, "admin", RoleAdmin, "")
	for _, tc := range []struct {
		name string
		nu   NewUser
		kind ErrorKind
	}{
		{"taken login", NewUser{Login: "ADMIN", Role: RoleAdmin, Password: goodPassword}, Conflict},
		{"editor without department", NewUser{Login: "ed", Role: RoleEditor, Password: goodPassword}, Invalid},
		{"unknown department", NewUser{Login: "ed", Role: RoleEditor, Department: "nope", Password: goodPassword}, NotFound},
		{"unknown role", NewUser{Login: "ed", Role: "root", Password: goodPassword}, Invalid},
		{"bad login", NewUser{Login: "a b", Role: RoleAdmin, Password: goodPassword}, Invalid},
		{"weak password", NewUser{Login: "ed", Role: RoleAdmin, Password: "password1234"}, Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.CreateUser(ctx, tc.nu, Actor{}); !kindIs(err, tc.kind) {
				t.Fatalf("err %v, want kind %v", err, tc.kind)
			}
		})
	}
	ed := addUser(t, s, "editor1", RoleEditor, "bousai")
	if !ed.CanEdit("bousai") || ed.CanEdit("other") || !admin.CanEdit("other") {
		t.Fatal("CanEdit")
	}
	if err := s.SetUserRole(ctx, ed.ID, RoleViewer, "bousai", Actor{Login: "admin"}); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.UserByID(ctx, ed.ID); u.Role != RoleViewer || u.CanEdit("bousai") || !u.CanRead("bousai") {
		t.Fatalf("after role change: %+v", u)
	}
	// The last admin can be neither demoted nor disabled.
	if err := s.SetUserRole(ctx, admin.ID, RoleViewer, "bousai", Actor{}); !kindIs(err, Conflict) {
		t.Fatalf("demote last admin: %v", err)
	}
	if err := s.SetUserDisabled(ctx, admin.ID, true, Actor{}); !kindIs(err, Conflict) {
		t.Fatalf("disable last admin: %v", err)
	}
	log, _, err := s.AuditLog(ctx, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" "+e.Target)
	}
	want := "user.role editor1,user.create editor1,user.create admin"
	if strings.Join(actions, ",") != want {
		t.Fatalf("audit %v, want %s", actions, want)
	}
}

func TestSessionLoginExpiryAndLogout(t *testing.T) {
	s := openTest(t)
	c := withClock(s)
	ctx := context.Background()
	u := addUser(t, s, "tanaka", RoleEditor, "bousai")
	by := Actor{Address: "192.0.2.1"}

	_, _, unknown := s.Login(ctx, "nobody", goodPassword, by)
	_, _, bad := s.Login(ctx, "tanaka", "wrong password!!", by)
	if !kindIs(unknown, Unauthorized) || !kindIs(bad, Unauthorized) || MessageOf(unknown) != MessageOf(bad) {
		t.Fatalf("unknown user %v, bad password %v: want the same Unauthorized answer", unknown, bad)
	}
	got, sid, err := s.Login(ctx, "Tanaka", goodPassword, by)
	if err != nil || got.ID != u.ID || len(sid) < 43 {
		t.Fatalf("login: %v %v %q", got, err, sid)
	}
	_, sid2, err := s.Login(ctx, "tanaka", goodPassword, by)
	if err != nil || sid2 == sid {
		t.Fatal("each login must make a new session id")
	}
	// The database keeps only hashes.
	var n int
	s.DB.QueryRow(`SELECT count(*) FROM sessions WHERE id_hash = ? OR id_hash = ?`, sid, sid2).Scan(&n)
	if n != 0 {
		t.Fatal("raw session id stored")
	}
	if _, err := s.SessionUser(ctx, sid); err != nil {
		t.Fatal(err)
	}
	// Idle expiry, refreshed by use.
	c.add(SessionIdle - time.Minute)
	if _, err := s.SessionUser(ctx, sid); err != nil {
		t.Fatalf("used within the idle limit: %v", err)
	}
	c.add(SessionIdle - time.Minute)
	if _, err := s.SessionUser(ctx, sid); err != nil {
		t.Fatalf("refreshed by use: %v", err)
	}
	if _, err := s.SessionUser(ctx, sid2); !kindIs(err, Unauthorized) {
		t.Fatalf("idle session: %v", err)
	}
	// Absolute expiry, even when used all along.
	for i := 0; i < int(SessionMax/(20*time.Minute)); i++ {
		c.add(20 * time.Minute)
		if _, err := s.SessionUser(ctx, sid); err != nil {
			break
		}
	}
	if _, err := s.SessionUser(ctx, sid); !kindIs(err, Unauthorized) {
		t.Fatalf("session past its absolute limit: %v", err)
	}
	// Logout and logout everywhere.
	_, a, _ := s.Login(ctx, "tanaka", goodPassword, by)
	_, b, _ := s.Login(ctx, "tanaka", goodPassword, by)
	_, d, _ := s.Login(ctx, "tanaka", goodPassword, by)
	if err := s.Logout(ctx, a, Actor{Login: "tanaka"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionUser(ctx, a); !kindIs(err, Unauthorized) {
		t.Fatal("session alive after logout")
	}
	if _, err := s.SessionUser(ctx, b); err != nil {
		t.Fatal("logout ended another session")
	}
	if err := s.LogoutEverywhere(ctx, u.ID, Actor{Login: "tanaka"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{b, d} {
		if _, err := s.SessionUser(ctx, id); !kindIs(err, Unauthorized) {
			t.Fatal("session alive after logout everywhere")
		}
	}
	// A disabled user's sessions end, and they cannot log in.
	addUser(t, s, "admin", RoleAdmin, "")
	_, e, _ := s.Login(ctx, "tanaka", goodPassword, by)
	if err := s.SetUserDisabled(ctx, u.ID, true, Actor{Login: "admin"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionUser(ctx, e); !kindIs(err, Unauthorized) {
		t.Fatal("disabled user's session alive")
	}
	if _, _, err := s.Login(ctx, "tanaka", goodPassword, by); !kindIs(err, Unauthorized) || MessageOf(err) != MessageOf(bad) {
		t.Fatalf("disabled login: %v", err)
	}
}

func TestSessionLoginThrottle(t *testing.T) {
	s := openTest(t)
	c := withClock(s)
	ctx := context.Background()
	addUser(t, s, "tanaka", RoleEditor, "bousai")
	by := Actor{Address: "192.0.2.1"}
	for i := 0; i < LoginMaxFailures; i++ {
		c.add(time.Second)
		if _, _, err := s.Login(ctx, "tanaka", "wrong password!!", by); !kindIs(err, Unauthorized) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	// Even the right password is refused while throttled.
	_, _, err := s.Login(ctx, "tanaka", goodPassword, Actor{Address: "198.51.100.7"})
	var th *Throttled
	if !kindIs(err, TooManyRequests) || !errors.As(err, &th) || th.RetryAfter <= 0 || th.RetryAfter > LoginWindow {
		t.Fatalf("throttled login: %v", err)
	}
	c.add(LoginWindow)
	if _, _, err := s.Login(ctx, "tanaka", goodPassword, by); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Per address: many accounts from one address.
	for i := 0; i < LoginMaxAddressFailures; i++ {
		s.Login(ctx, "user"+string(rune('a'+i)), "wrong password!!", Actor{Address: "203.0.113.9"})
	}
	if _, _, err := s.Login(ctx, "tanaka", goodPassword, Actor{Address: "203.0.113.9"}); !kindIs(err, TooManyRequests) {
		t.Fatalf("address throttle: %v", err)
	}
	if _, _, err := s.Login(ctx, "tanaka", goodPassword, Actor{Address: "192.0.2.1"}); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

func TestTokenCreateUseRevoke(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := addUser(t, s, "tanaka", RoleEditor, "bousai")
	raw, tok, err := s.CreateToken(ctx, u, "アップロード用", Actor{Login: "tanaka"})
	if err != nil || !strings.HasPrefix(raw, TokenPrefix) || tok.Department != "bousai" {
		t.Fatalf("create: %q %+v %v", raw, tok, err)
	}
	var n int
	s.DB.QueryRow(`SELECT count(*) FROM api_tokens WHERE hash = ?`, raw).Scan(&n)
	if n != 0 {
		t.Fatal("raw token stored")
	}
	got, err := s.TokenUser(ctx, raw, Actor{Address: "192.0.2.1"})
	if err != nil || got.ID != u.ID || got.Department != "bousai" {
		t.Fatalf("use: %+v %v", got, err)
	}
	for _, bad := range []string{"", "mod_x", raw + "x", "Bearer " + raw} {
		if _, err := s.TokenUser(ctx, bad, Actor{}); !kindIs(err, Unauthorized) {
			t.Fatalf("token %q: %v", bad, err)
		}
	}
	if err := s.RevokeToken(ctx, u.ID+1, tok.ID, Actor{}); !kindIs(err, NotFound) {
		t.Fatalf("revoke another user's token: %v", err)
	}
	if err := s.RevokeToken(ctx, u.ID, tok.ID, Actor{Login: "tanaka"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, raw, Actor{}); !kindIs(err, Unauthorized) {
		t.Fatalf("revoked token: %v", err)
	}
	list, err := s.Tokens(ctx, u.ID)
	if err != nil || len(list) != 1 || list[0].Revoked == nil || list[0].LastUsed == nil {
		t.Fatalf("list: %+v %v", list, err)
	}
	log, _, _ := s.AuditLog(ctx, AuditFilter{Actor: "tanaka"})
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "token.revoke,token.use,token.create" {
		t.Fatalf("audit: %s", got)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.Audit(ctx, Actor{Login: "a", Address: "192.0.2.1"}, AuditLogout, "a", ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET actor = 'b'`, `DELETE FROM audit_log`} {
		if _, err := s.DB.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	log, total, err := s.AuditLog(ctx, AuditFilter{})
	if err != nil || total != 1 || log[0].Actor != "a" || log[0].Address != "192.0.2.1" || log[0].At.IsZero() {
		t.Fatalf("%+v %d %v", log, total, err)
	}
}
