// Package bake embeds an Open Badges 3.0 credential in a badge image and
// reads it back, as the specification's "Baked Badge" section describes:
// in a PNG, an uncompressed iTXt chunk with keyword openbadgecredential; in
// an SVG, an <openbadges:credential> element in the namespace
// https://purl.imsglobal.org/ob/v3p0, the first child of the root.
//
// The credential is either its JSON (embedded proof) or a compact JWS
// (VC-JWT). Baking replaces any credential already in the image. Images come
// from users and verifiers receive them from anyone, so parsing validates
// structure (PNG signature, chunk lengths and CRCs; well-formed XML) and is
// bounded in size, chunk or token count and nesting depth. Verifying the
// extracted credential is done elsewhere.
package bake
