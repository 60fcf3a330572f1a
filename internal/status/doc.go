// Package status implements W3C Bitstring Status List v1.0: the bitstring
// that records which issued credentials are revoked or suspended, its
// encodedList form (multibase base64url of the GZIP of the bits), the
// allocation of list indexes to credentials, and the unsigned
// BitstringStatusListEntry and BitstringStatusListCredential documents.
//
// Signing the list credential and verifying its proof happen elsewhere; this
// package does no I/O. Decoding a list from a credential is bounded by a byte
// limit, because an encodedList is attacker-supplied and GZIP compresses a
// run of zeros about a thousandfold.
package status
