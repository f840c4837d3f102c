package catalog

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLength is the shortest password accepted, in characters.
// Length does more against guessing than composition rules (NIST SP
// 800-63B), so there are no rules about digits or symbols.
const MinPasswordLength = 12

// The argon2id cost: OWASP's recommended minimum (19 MiB, 2 passes, 1
// lane), about 50 ms on one core. The parameters are written into each
// hash, so raising them later leaves old hashes verifiable.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

//go:embed common_passwords.txt
var commonPasswordList []byte

// CheckPassword tells whether pw may be used by the account login: Invalid
// when too short, too common, made of one repeated character, or holding
// the login itself.
func CheckPassword(login, pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Errorf(Invalid, "パスワードは%d文字以上にしてください", MinPasswordLength)
	}
	lower := strings.ToLower(pw)
	if login != "" && strings.Contains(lower, strings.ToLower(login)) {
		return Errorf(Invalid, "パスワードにログイン名を含めないでください")
	}
	if strings.Count(lower, string([]rune(lower)[:1])) == len(lower) {
		return Errorf(Invalid, "同じ文字の繰り返しはパスワードに使えません")
	}
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordList))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") && line == lower {
			return Errorf(Invalid, "よく使われるパスワードは使えません")
		}
	}
	return nil
}

// hashPassword returns pw's argon2id hash in the PHC string format.
func hashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword tells whether pw matches the PHC hash, comparing in
// constant time. A malformed hash matches nothing.
func verifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || p == 0 || t == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// randomSecret returns 256 random bits, URL-safe base64: session ids and
// API tokens.
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
