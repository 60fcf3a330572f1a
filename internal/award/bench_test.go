package award

import (
	"testing"

	"cairn/internal/keys"
)

func BenchmarkIssue(b *testing.B) {
	for _, f := range []Format{FormatDI, FormatJWT} {
		b.Run(string(f), func(b *testing.B) {
			p, _ := testPipeline(b, f, keys.Ed25519, nil)
			in := testInput(dataAnalytics())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Issue(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	p, _ := testPipeline(b, FormatDI, keys.Ed25519, nil)
	in := testInput(dataAnalytics())
	in.Issuer, in.AchievementID = p.Issuer, p.AchievementURL(in.Offering.ID, in.Offering.Version)
	built, err := p.achievement(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := BuildWith(built.a, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := encodeCredential(c, built.raw, built.issuer); err != nil {
			b.Fatal(err)
		}
	}
}
