package award

import (
	"fmt"
	"strings"

	"cairn/internal/catalog"
)

// Notice returns the subject and body of the email that tells a learner
// about a new award: what was awarded, by whom, and where to find it.
func Notice(issuerName, walletURL, learnerName string, o Offering) (subject, body string) {
	title := strings.TrimSpace(o.Form.Title)
	subject = fmt.Sprintf("Your %s: %s", strings.ToLower(kindLabel(o.Form.Kind)), title)
	var b strings.Builder
	if learnerName != "" {
		fmt.Fprintf(&b, "Dear %s,\n\n", learnerName)
	} else {
		b.WriteString("Hello,\n\n")
	}
	fmt.Fprintf(&b, "%s has awarded you %s, an Open Badges 3.0 credential that you own.\n\n",
		orDefault(issuerName, "Your institution"), title)
	if o.Interim() {
		b.WriteString("It is awarded as non-credit while its credit status is under review.\n\n")
	}
	fmt.Fprintf(&b, "Sign in to your wallet with this email address to view it, download it or share it:\n%s\n\n", walletURL)
	b.WriteString("It is private until you choose to share it.\n")
	return subject, b.String()
}

func kindLabel(k catalog.Kind) string {
	if !k.Valid() {
		return "credential"
	}
	return k.Label()
}
