package award

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// endorsementsDigest names a list of endorsements in the achievement
// cache: "" for none, else the SHA-256 of their JSON.
func endorsementsDigest(es []json.RawMessage) string {
	if len(es) == 0 {
		return ""
	}
	h := sha256.New()
	for _, e := range es {
		fmt.Fprintf(h, "%d:", len(e))
		h.Write(e)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// withEndorsements adds the signed EndorsementCredentials to an encoded
// Achievement as its endorsement array, as they are: their proofs cover
// their bytes' meaning, so they are not re-encoded through ob types.
func withEndorsements(achievement json.RawMessage, es []json.RawMessage) (json.RawMessage, error) {
	if len(es) == 0 {
		return achievement, nil
	}
	if len(es) > MaxEndorsements {
		return nil, fmt.Errorf("%d endorsements: at most %d are embedded", len(es), MaxEndorsements)
	}
	for i, e := range es {
		if !json.Valid(e) || len(e) == 0 || e[0] != '{' {
			return nil, fmt.Errorf("endorsement %d is not a JSON object", i)
		}
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(achievement, &doc); err != nil {
		return nil, fmt.Errorf("achievement: %w", err)
	}
	list, err := json.Marshal(es)
	if err != nil {
		return nil, err
	}
	doc["endorsement"] = list
	return json.Marshal(doc)
}
