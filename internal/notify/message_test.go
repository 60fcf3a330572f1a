package notify

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

func TestLogSender(t *testing.T) {
	var buf bytes.Buffer
	s := LogSender{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	m := Message{ID: 9, Kind: "review_due", To: "ada@example.edu", Subject: "Review due", Body: "Sign in: https://cairn.example.edu/login?token=SECRET-TOKEN"}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line is not one JSON object: %v\n%s", err, buf.Bytes())
	}
	want := map[string]any{"msg": "notification", "id": 9.0, "kind": "review_due", "to": "ada@example.edu", "subject": "Review due", "body_bytes": float64(len(m.Body))}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("got %s = %v, want %v", k, line[k], v)
		}
	}
	if bytes.Contains(buf.Bytes(), []byte("SECRET-TOKEN")) {
		t.Errorf("the body reached the log: %s", buf.Bytes())
	}
}
