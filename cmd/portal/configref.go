package main

import (
	"flag"
	"fmt"
	"regexp"
	"strings"
)

// envInUsage finds the environment variable a flag's usage names.
var envInUsage = regexp.MustCompile(`\(env (PORTAL_[A-Z_]+)[;)]`)

// configReference is docs/configuration.md: every flag of `portal serve`
// with its environment variable, default and meaning, made from the flag
// set itself so that the document cannot drift from the code (a test
// compares them).
func configReference() string {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := defaultConfig()
	cfg.flags(fs, true)
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n")
	b.WriteString("Generated from the code (`cmd/portal/config.go`) by\n")
	b.WriteString("`PORTAL_UPDATE_DOCS=1 go test ./cmd/portal -run ConfigurationReference`; a test fails\n")
	b.WriteString("when this file and the flags differ. Flags win over environment variables, which win\n")
	b.WriteString("over the defaults. The other commands (`import`, `users`, `backup`, `restore`,\n")
	b.WriteString("`reindex`, `layers`) take `--data` and `--max-upload-mb` and their own flags: `portal COMMAND -h`.\n\n")
	b.WriteString("| flag | environment | default | meaning |\n|---|---|---|---|\n")
	fs.VisitAll(func(f *flag.Flag) {
		env := ""
		if m := envInUsage.FindStringSubmatch(f.Usage); m != nil {
			env = "`" + m[1] + "`"
		}
		def := f.DefValue
		switch {
		case def == "" || def == "[]":
			def = "—"
		default:
			def = "`" + def + "`"
		}
		usage := strings.TrimSpace(envInUsage.ReplaceAllStringFunc(f.Usage, func(m string) string {
			if strings.HasSuffix(m, ";") {
				return "("
			}
			return ""
		}))
		usage = strings.NewReplacer("( ", "(", " ;", ";", "|", `\|`).Replace(usage)
		fmt.Fprintf(&b, "| `--%s` | %s | %s | %s |\n", f.Name, env, def, usage)
	})
	return b.String()
}
