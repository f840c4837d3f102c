package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/datasets/demo"
)

// Config is everything the portal is told at start: defaults, overlaid by
// PORTAL_* environment variables, overlaid by flags.
type Config struct {
	Addr        string
	Data        string
	Demo        bool
	BaseURL     string
	MaxUploadMB int64
	// The municipality that publishes: names in DCAT, CKAN and the
	// standard open-data list, and its local government code. The
	// defaults are the demo city's.
	CityName, CityNameEN, CityCode string
	// The map page's background: an XYZ raster tile URL and the HTML
	// attribution its terms ask for. Empty: GSI's standard tiles.
	BaseMapURL, BaseMapAttribution string
	// Scheduled backups: every BackupEvery (0: none) into BackupDir,
	// keeping the newest BackupKeep.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	// LogFormat is text (default, for a terminal) or json (for a log
	// collector); LogLevel debug shows every request.
	LogFormat, LogLevel string
	// TrustedProxies are reverse proxies whose X-Forwarded-For is believed
	// for the client's address (audit log, login throttle).
	TrustedProxies []string
}

func defaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", Data: "./data", Demo: true, MaxUploadMB: 100, BackupKeep: 7, LogFormat: "text", LogLevel: "info",
		CityName: demo.CityName, CityNameEN: demo.CityNameEN, CityCode: demo.CityCode}
}

// envOverlay applies the PORTAL_* variables that are set.
func (c *Config) envOverlay(getenv func(string) string) error {
	if v := getenv("PORTAL_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("PORTAL_DATA"); v != "" {
		c.Data = v
	}
	if v := getenv("PORTAL_DEMO"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("PORTAL_DEMO: %q is not true or false", v)
		}
		c.Demo = b
	}
	if v := getenv("PORTAL_BASE_URL"); v != "" {
		c.BaseURL = v
	}
	for name, field := range map[string]*string{"PORTAL_CITY_NAME": &c.CityName,
		"PORTAL_LOG_FORMAT": &c.LogFormat, "PORTAL_LOG_LEVEL": &c.LogLevel,
		"PORTAL_CITY_NAME_EN": &c.CityNameEN, "PORTAL_CITY_CODE": &c.CityCode,
		"PORTAL_BASEMAP_URL": &c.BaseMapURL, "PORTAL_BASEMAP_ATTRIBUTION": &c.BaseMapAttribution} {
		if v := getenv(name); v != "" {
			*field = v
		}
	}
	if v := getenv("PORTAL_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies = splitList(v)
	}
	if v := getenv("PORTAL_BACKUP_DIR"); v != "" {
		c.BackupDir = v
	}
	if v := getenv("PORTAL_BACKUP_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("PORTAL_BACKUP_EVERY: %q is not a duration such as 24h", v)
		}
		c.BackupEvery = d
	}
	if v := getenv("PORTAL_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("PORTAL_BACKUP_KEEP: %q is not a number", v)
		}
		c.BackupKeep = n
	}
	if v := getenv("PORTAL_MAX_UPLOAD_MB"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("PORTAL_MAX_UPLOAD_MB: %q is not a positive number", v)
		}
		c.MaxUploadMB = n
	}
	return nil
}

// flags registers the flags shared by the subcommands that take them.
func (c *Config) flags(fs *flag.FlagSet, serve bool) {
	fs.StringVar(&c.Data, "data", c.Data, "folder that holds the database, the search index and uploaded files (env PORTAL_DATA)")
	fs.Int64Var(&c.MaxUploadMB, "max-upload-mb", c.MaxUploadMB, "largest accepted upload in MB (env PORTAL_MAX_UPLOAD_MB)")
	if serve {
		fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (env PORTAL_ADDR)")
		fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo catalog into an empty data folder (env PORTAL_DEMO)")
		fs.StringVar(&c.CityName, "city-name", c.CityName, "the municipality's name in Japanese (env PORTAL_CITY_NAME)")
		fs.StringVar(&c.CityNameEN, "city-name-en", c.CityNameEN, "the municipality's name in English (env PORTAL_CITY_NAME_EN)")
		fs.StringVar(&c.CityCode, "city-code", c.CityCode, "the municipality's 6-digit local government code (env PORTAL_CITY_CODE)")
		fs.StringVar(&c.BaseMapURL, "basemap-url", c.BaseMapURL, "the map's background tiles, {z}/{x}/{y} URL template (env PORTAL_BASEMAP_URL; default GSI's standard map)")
		fs.StringVar(&c.BaseMapAttribution, "basemap-attribution", c.BaseMapAttribution, "the attribution its terms ask for, HTML (env PORTAL_BASEMAP_ATTRIBUTION)")
		fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public URL used in absolute links (env PORTAL_BASE_URL; default http:// and the address listened on)")
		fs.Func("trusted-proxy", "address or CIDR of a reverse proxy whose X-Forwarded-For names the client, e.g. 127.0.0.1; repeat or separate by commas (env PORTAL_TRUSTED_PROXIES)", func(v string) error {
			c.TrustedProxies = append(c.TrustedProxies, splitList(v)...)
			return nil
		})
		fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (env PORTAL_LOG_FORMAT)")
		fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug (every request), info, warn or error (env PORTAL_LOG_LEVEL)")
		fs.StringVar(&c.BackupDir, "backup-dir", c.BackupDir, "folder for scheduled backups (env PORTAL_BACKUP_DIR); off unless --backup-every is set")
		fs.DurationVar(&c.BackupEvery, "backup-every", c.BackupEvery, "take a backup this often, e.g. 24h (env PORTAL_BACKUP_EVERY; 0: never)")
		fs.IntVar(&c.BackupKeep, "backup-keep", c.BackupKeep, "how many scheduled backups to keep (env PORTAL_BACKUP_KEEP)")
	}
}

// Validate checks the settings after every overlay. An empty BaseURL stays
// empty: serve derives it from the address it actually listens on (":0"
// and "0.0.0.0:8080" are not addresses to link to).
func (c *Config) Validate() error {
	if c.Data == "" {
		return fmt.Errorf("--data must name a folder")
	}
	if c.CityName == "" {
		return fmt.Errorf("--city-name must not be empty")
	}
	if c.BackupEvery < 0 || (c.BackupEvery > 0 && c.BackupEvery < time.Minute) {
		return fmt.Errorf("--backup-every %s: give 0 (no scheduled backups) or at least 1m", c.BackupEvery)
	}
	if c.BackupEvery > 0 && c.BackupDir == "" {
		return fmt.Errorf("--backup-every needs --backup-dir")
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return fmt.Errorf("--trusted-proxy %q is neither an IP address nor a CIDR range", p)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: give text or json", c.LogFormat)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("--log-level %q: give debug, info, warn or error", c.LogLevel)
	}
	if c.BackupKeep < 1 {
		return fmt.Errorf("--backup-keep must be at least 1")
	}
	if c.CityCode != "" && !datasets.ValidLocalGovCode(c.CityCode) {
		return fmt.Errorf("--city-code %q is not a local government code (six digits with its check digit)", c.CityCode)
	}
	if c.BaseMapURL != "" && (!strings.Contains(c.BaseMapURL, "{z}") || !strings.HasPrefix(c.BaseMapURL, "https://") && !strings.HasPrefix(c.BaseMapURL, "http://")) {
		return fmt.Errorf("--basemap-url %q must be an http(s) URL with {z}, {x} and {y}", c.BaseMapURL)
	}
	if c.BaseMapURL != "" && c.BaseMapAttribution == "" {
		return fmt.Errorf("--basemap-attribution is required with --basemap-url: tile providers require credit")
	}
	if c.MaxUploadMB <= 0 {
		return fmt.Errorf("--max-upload-mb must be positive")
	}
	return nil
}

// logger is the server's log, in the configured format and level.
func (c Config) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(c.LogLevel)) // checked by Validate
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// splitList reads a list separated by commas, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
