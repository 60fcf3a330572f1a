package account

import (
	"strings"
	"testing"

	"cairn/internal/apperror"
)

// cheap are argon2id parameters that keep tests fast.
var cheap = PasswordParams{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashPasswordVerifies(t *testing.T) {
	h := hashPassword("correct horse battery", cheap)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("got hash %q, want a PHC argon2id string with the parameters", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Fatalf("hash %q contains the password", h)
	}
	if h2 := hashPassword("correct horse battery", cheap); h2 == h {
		t.Errorf("two hashes of one password are equal (%q); want a fresh salt each time", h)
	}
	tests := []struct {
		name     string
		password string
		want     PasswordParams
		ok       bool
		rehash   bool
	}{
		{"right password", "correct horse battery", cheap, true, false},
		{"wrong password", "correct horse battery!", cheap, false, false},
		{"right password, newer parameters", "correct horse battery", PasswordParams{Time: 2, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := verifyPassword(h, tt.password, tt.want)
			if err != nil || ok != tt.ok || rehash != tt.rehash {
				t.Errorf("got ok %t rehash %t err %v, want ok %t rehash %t", ok, rehash, err, tt.ok, tt.rehash)
			}
		})
	}
}

func TestParseHashRefusesMalformed(t *testing.T) {
	good := hashPassword("correct horse battery", cheap)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	tests := []struct{ name, hash string }{
		{"empty", ""},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuu5Zz8Ykz2DcVqDTC0pC8q7e0f3YqUZhS"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"parameters reordered", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"parameter missing", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"memory too large", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"too many threads", "$argon2id$v=19$m=64,t=1,p=300$" + salt + "$" + key},
		{"salt not base64", "$argon2id$v=19$m=64,t=1,p=1$!!!$" + key},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAA"},
		{"too long", good + strings.Repeat("A", 600)},
		{"extra field", good + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, _, err := parseHash(tt.hash); err == nil {
				t.Errorf("parseHash(%q) succeeded, want an error", tt.hash)
			}
		})
	}
	t.Run("good hash parses", func(t *testing.T) {
		p, _, _, err := parseHash(good)
		if err != nil || p != cheap {
			t.Errorf("got %+v, %v; want %+v", p, err, cheap)
		}
	})
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, password, email string
		ok                    bool
	}{
		{"twelve characters", "abcdefghijkl", "a@example.edu", true},
		{"twelve multibyte characters", "ééééééééééé€", "a@example.edu", true},
		{"eleven characters", "abcdefghijk", "a@example.edu", false},
		{"1024 bytes", strings.Repeat("x", 1024), "a@example.edu", true},
		{"1025 bytes", strings.Repeat("x", 1025), "a@example.edu", false},
		{"only spaces", strings.Repeat(" ", 20), "a@example.edu", false},
		{"invalid UTF-8", "abcdefghijkl\xff", "a@example.edu", false},
		{"NUL", "abcdefghijkl\x00", "a@example.edu", false},
		{"the email address", "Learner.One@Example.edu", "learner.one@example.edu", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.password, tt.email)
			if tt.ok && err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if !tt.ok {
				var ae *apperror.Error
				if !asAppError(err, &ae) || ae.Code != apperror.Invalid || ae.Field != "password" {
					t.Fatalf("got %v, want Invalid about password", err)
				}
			}
		})
	}
}

func TestPasswordParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    PasswordParams
		ok   bool
	}{
		{"default", DefaultPasswordParams, true},
		{"cheap", cheap, true},
		{"memory below 8 KiB per thread", PasswordParams{Time: 1, MemoryKiB: 15, Threads: 2, SaltLen: 16, KeyLen: 32}, false},
		{"short salt", PasswordParams{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 4, KeyLen: 32}, false},
		{"short key", PasswordParams{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 8}, false},
		{"zero", PasswordParams{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok %t", err, tt.ok)
			}
		})
	}
}
