package rdfc

import (
	"bytes"
	"slices"
	"strconv"
)

// issuer is a temporary identifier issuer (prefix "b"): order[i] is the
// blank node issued b<i>. It holds only the nodes it labelled, so copying
// and searching it cost what the gossip path has reached, not the size of
// the dataset; the work budget is charged for both. Copies are made by
// clone and a copy that has been handed on (to a recursive call, or kept
// as the chosen issuer) is never appended to again.
type issuer struct {
	order []int32
}

func newIssuer(node int32) issuer {
	return issuer{order: append(make([]int32, 0, 8), node)}
}

func (is issuer) clone() issuer {
	return issuer{order: append(make([]int32, 0, len(is.order)+4), is.order...)}
}

// lookup returns node's temporary number, or -1.
func (is issuer) lookup(node int32) int32 {
	for i, n := range is.order {
		if n == node {
			return int32(i)
		}
	}
	return -1
}

// issue returns node's temporary number, issuing the next one if needed.
func (is *issuer) issue(node int32) int32 {
	if id := is.lookup(node); id >= 0 {
		return id
	}
	is.order = append(is.order, node)
	return int32(len(is.order) - 1)
}

// related is one entry of H_n: a blank node related to the one being
// hashed, and the related hash, arena[off:off+hexLen].
type related struct {
	off  int
	node int32
}

// hashRelated is the Hash Related Blank Node algorithm for node, found at
// position pos of quad qi. It appends the hex hash to dst.
func (c *canon) hashRelated(dst []byte, node, qi int32, iss issuer, pos int) []byte {
	b := append(c.buf[:0], "s?og"[pos])
	if pos != gPos {
		b = append(b, '<')
		b = append(b, c.in[c.keep[qi]].Predicate.Value...)
		b = append(b, '>')
	}
	if id := c.canonID[node]; id >= 0 {
		b = append(b, "_:c14n"...)
		b = strconv.AppendInt(b, int64(id), 10)
	} else if id := iss.lookup(node); id >= 0 {
		b = append(b, "_:b"...)
		b = strconv.AppendInt(b, int64(id), 10)
	} else {
		b = append(b, c.firstHash(node)...)
	}
	c.buf = b
	c.h.Reset()
	c.h.Write(b)
	return c.sumHex(dst)
}

// hashNDegree is the Hash N-Degree Quads algorithm for node with the
// temporary issuer iss. It returns the N-degree hash and the issuer that
// labelled every blank node reached along the chosen path. Every step is
// charged to the work budget, so a poison graph ends in ErrTooComplex
// rather than factorial time.
func (c *canon) hashNDegree(node int32, iss issuer) (string, issuer, error) {
	if err := c.spend(1); err != nil {
		return "", iss, err
	}
	// Steps 1-3: H_n, the related hash of every blank node mentioned with
	// node. Equal hashes stay in the order found.
	var arena []byte
	var rels []related
	for _, qi := range c.mentions[node] {
		cs := &c.comps[qi]
		for _, pos := range [...]int{sPos, oPos, gPos} {
			other := cs[pos].node
			if other < 0 || other == node {
				continue
			}
			if err := c.spend(1 + len(iss.order)/64); err != nil {
				return "", iss, err
			}
			off := len(arena)
			arena = c.hashRelated(arena, other, qi, iss, pos)
			rels = append(rels, related{off: off, node: other})
		}
	}
	hashOf := func(r related) []byte { return arena[r.off : r.off+c.hexLen] }
	slices.SortStableFunc(rels, func(a, b related) int {
		return bytes.Compare(hashOf(a), hashOf(b))
	})

	// Steps 4-5: for each related hash, the shortest path over every
	// permutation of its blank nodes.
	var data, path, chosen []byte
	var recursion []int32
	var perm []int
	for i := 0; i < len(rels); {
		h := hashOf(rels[i])
		j := i + 1
		for j < len(rels) && bytes.Equal(hashOf(rels[j]), h) {
			j++
		}
		group := rels[i:j]
		i = j
		data = append(data, h...)

		chosen = chosen[:0]
		haveChosen := false
		var chosenIss issuer
		perm = perm[:0]
		for k := range group {
			perm = append(perm, k)
		}
		// longer reports whether path can no longer beat chosen.
		longer := func() bool {
			return haveChosen && len(path) >= len(chosen) && bytes.Compare(path, chosen) > 0
		}
		for {
			// A permutation places each node (searching the issuer) and
			// copies the issuer.
			k := len(iss.order)
			if err := c.spend(1 + len(group) + k/8 + len(group)*k/64); err != nil {
				return "", iss, err
			}
			issCopy := iss.clone()
			path = path[:0]
			recursion = recursion[:0]
			skip := false
			for _, k := range perm {
				r := group[k].node
				if id := c.canonID[r]; id >= 0 {
					path = append(path, "_:c14n"...)
					path = strconv.AppendInt(path, int64(id), 10)
				} else {
					if issCopy.lookup(r) < 0 {
						recursion = append(recursion, r)
					}
					path = append(path, "_:b"...)
					path = strconv.AppendInt(path, int64(issCopy.issue(r)), 10)
				}
				if skip = longer(); skip {
					break
				}
			}
			for k := 0; !skip && k < len(recursion); k++ {
				r := recursion[k]
				rh, riss, err := c.hashNDegree(r, issCopy)
				if err != nil {
					return "", iss, err
				}
				path = append(path, "_:b"...)
				path = strconv.AppendInt(path, int64(issCopy.issue(r)), 10)
				path = append(path, '<')
				path = append(path, rh...)
				path = append(path, '>')
				issCopy = riss
				skip = longer()
			}
			if !skip && (!haveChosen || bytes.Compare(path, chosen) < 0) {
				path, chosen = chosen, path
				chosenIss = issCopy
				haveChosen = true
			}
			if !nextPermutation(perm) {
				break
			}
		}
		data = append(data, chosen...)
		iss = chosenIss
	}

	// Step 6.
	c.h.Reset()
	c.h.Write(data)
	c.buf = c.sumHex(c.buf[:0])
	return string(c.buf), iss, nil
}

// nextPermutation rearranges p into the next permutation in lexicographic
// order and reports false, leaving p as it was, after the last one.
func nextPermutation(p []int) bool {
	i := len(p) - 2
	for i >= 0 && p[i] >= p[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(p) - 1
	for p[j] <= p[i] {
		j--
	}
	p[i], p[j] = p[j], p[i]
	slices.Reverse(p[i+1:])
	return true
}
