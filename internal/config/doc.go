// Package config is cairn's configuration as a value. A Config starts from
// built-in defaults and is overlaid, in increasing precedence, by an optional
// YAML file, CAIRN_* environment variables and command-line flags; Validate
// then checks it and names the setting at fault. Nothing here reads the
// process environment directly: the caller passes a getenv function, so
// tests and embedding programs supply their own.
//
// Every setting is declared once, in the table returned by settings, with
// its file key, environment variable, flag and parser, so the three sources
// cannot drift apart.
//
// A Config may hold secrets (a database password in the DSN). Its String
// and LogValue methods redact them, so a Config can be printed or logged.
package config
