package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/machi-opendata/portal/catalog"
	"golang.org/x/term"
)

// users runs `portal users add`: it creates an account, the first admin
// included, with the password read from standard input.
func users(ctx context.Context, cfg Config, args []string, stdin io.Reader, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: portal users add --data DIR --login NAME --role admin|editor|viewer [--department CODE]")
	}
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	cfg.flags(fs, false)
	var login string
	fs.StringVar(&login, "login", "", "the account's login name (required)")
	fs.StringVar(&login, "email", "", "the same as --login, for logins that are e-mail addresses")
	role := fs.String("role", "", "admin, editor or viewer (required)")
	dept := fs.String("department", "", "code of the user's department (required for editor and viewer)")
	if err := parseConfig(fs, &cfg, args[1:], stderr); err != nil {
		return err
	}
	if login == "" || *role == "" || fs.NArg() > 0 {
		return fmt.Errorf("users add needs --login and --role, and no other arguments")
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	u, err := a.store.CreateUser(ctx, catalog.NewUser{Login: login, Role: catalog.Role(*role), Department: *dept, Password: pw},
		catalog.Actor{Login: "cli", Address: "local"})
	if err != nil {
		return errors.New(catalog.MessageOf(err))
	}
	fmt.Fprintf(stderr, "created user %s (%s)\n", u.Login, u.Role)
	return nil
}

// readPassword reads one line: from a terminal without echo (asking
// twice), otherwise as piped in.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "password: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(pw) != string(again) {
			return "", fmt.Errorf("the passwords differ")
		}
		return string(pw), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password on standard input")
	}
	return line, nil
}
