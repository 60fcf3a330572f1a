package ob

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Limits on the JSON this package reads. A credential with an embedded
// image as a data URI, or a CLR holding many credentials, runs to a few
// megabytes; nothing legitimate nests anywhere near MaxDepth.
const (
	// MaxDocumentBytes is the largest document DecodeMap and Validate accept.
	MaxDocumentBytes = 8 << 20
	// MaxDepth is how deeply arrays and objects may nest in a document this
	// package decodes, generically or into the typed model.
	MaxDepth = 64
)

// The typed model is encoded by one reflective codec rather than by
// encoding/json's struct handling, for three reasons encoding/json cannot
// meet: properties the struct does not name are kept in its Extra map; a
// property that is present but null or empty ("", [], false, {}) is kept as
// it was instead of being dropped by omitempty; and decoding refuses a JSON
// string where the model has a number, so a number is written back as the
// number it was.
//
// Every object type declares its properties as fields tagged `json:"name"`
// and an `Extra map[string]json.RawMessage` field, and has these two methods:
//
//	func (x T) MarshalJSON() ([]byte, error)  { return encodeObject(x) }
//	func (x *T) UnmarshalJSON(b []byte) error { return decodeObject(b, x) }

// emptier is implemented by the model's value types whose emptiness is not
// what their kind says (a ProfileRef, a OneOrMany).
type emptier interface{ isEmpty() bool }

var (
	rawMapType  = reflect.TypeFor[map[string]json.RawMessage]()
	numberType  = reflect.TypeFor[json.Number]()
	stringsType = reflect.TypeFor[[]string]()
)

// decodeObject decodes the JSON object data into the struct dst points to.
func decodeObject(data []byte, dst any) error {
	data = bytes.TrimSpace(data)
	if err := checkDepth(data, MaxDepth); err != nil {
		return err
	}
	if len(data) == 0 || data[0] != '{' {
		return fmt.Errorf("want a JSON object, got %s", describeJSON(data))
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return err
	}
	v := reflect.ValueOf(dst).Elem()
	v.SetZero()
	t := v.Type()
	var extra map[string]json.RawMessage
	keep := func(key string, raw json.RawMessage) {
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[key] = raw
	}
	extraField := -1
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == "Extra" && f.Type == rawMapType {
			extraField = i
			continue
		}
		key := jsonKey(f)
		raw, ok := members[key]
		if key == "" || !ok {
			continue
		}
		delete(members, key)
		if isNull(raw) {
			keep(key, raw)
			continue
		}
		fv := v.Field(i)
		if err := decodeField(raw, fv); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if isEmpty(fv) {
			fv.SetZero()
			keep(key, raw)
		}
	}
	for key, raw := range members {
		keep(key, raw)
	}
	if extraField < 0 {
		return fmt.Errorf("internal: %s has no Extra field", t)
	}
	if extra != nil {
		v.Field(extraField).Set(reflect.ValueOf(extra))
	}
	return nil
}

func decodeField(raw json.RawMessage, fv reflect.Value) error {
	switch {
	case fv.Type() == numberType:
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte(`"`)) {
			return errors.New("want a number, got a string")
		}
	case fv.Type() == stringsType:
		strs, err := decodeArray[string](raw)
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(strs))
		return nil
	}
	return json.Unmarshal(raw, fv.Addr().Interface())
}

// decodeArray decodes a JSON array of T. encoding/json would turn a null
// element into T's zero value, which would then be written back as "" or
// 0; decodeArray refuses it instead, unless T decodes null itself.
func decodeArray[T any](data []byte) ([]T, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return nil, err
	}
	_, handlesNull := any(new(T)).(json.Unmarshaler)
	items := make([]T, len(elems))
	for i, elem := range elems {
		if !handlesNull && isNull(elem) {
			return nil, fmt.Errorf("item %d: null is not allowed", i)
		}
		if err := json.Unmarshal(elem, &items[i]); err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
	}
	return items, nil
}

// encodeObject encodes the struct src: its non-empty properties in field
// order, then the extras that no field wrote, sorted by name.
func encodeObject(src any) ([]byte, error) {
	v := reflect.ValueOf(src)
	t := v.Type()
	var buf bytes.Buffer
	buf.WriteByte('{')
	written := make(map[string]bool)
	var extra map[string]json.RawMessage
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == "Extra" && f.Type == rawMapType {
			extra = v.Field(i).Interface().(map[string]json.RawMessage)
			continue
		}
		key := jsonKey(f)
		fv := v.Field(i)
		if key == "" || isEmpty(fv) {
			continue
		}
		b, err := json.Marshal(fv.Interface())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		writeMember(&buf, key, b)
		written[key] = true
	}
	keys := make([]string, 0, len(extra))
	for key := range extra {
		if !written[key] {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	for _, key := range keys {
		raw := extra[key]
		if !json.Valid(raw) {
			return nil, fmt.Errorf("%s: extra value is not valid JSON", key)
		}
		writeMember(&buf, key, raw)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func writeMember(buf *bytes.Buffer, key string, value []byte) {
	if buf.Len() > 1 {
		buf.WriteByte(',')
	}
	k, _ := json.Marshal(key) // a string always encodes
	buf.Write(k)
	buf.WriteByte(':')
	buf.Write(value)
}

func jsonKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// isEmpty reports whether the codec leaves v out when encoding: the same
// values encoding/json's omitempty leaves out, plus empty model values.
func isEmpty(v reflect.Value) bool {
	if e, ok := v.Interface().(emptier); ok {
		return e.isEmpty()
	}
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	default:
		return v.IsZero()
	}
}

func isNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

// describeJSON names the kind of JSON value data starts with, for errors.
func describeJSON(data []byte) string {
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// checkDepth reports an error when arrays and objects in data nest deeper
// than max. It does not validate the JSON, only counts brackets outside
// strings, so it is cheap enough to run before any decoding.
func checkDepth(data []byte, max int) error {
	depth := 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return fmt.Errorf("JSON nests deeper than %d levels", max)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// OneOrMany is the value of a property that JSON-LD lets be either a single
// item or an array of items. It remembers which it was read as, so it is
// written back the same way.
type OneOrMany[T any] struct {
	Items []T
	// Single makes a one-item value encode as the bare item, not an array.
	Single bool
}

// One returns a OneOrMany that encodes as the bare item.
func One[T any](item T) OneOrMany[T] { return OneOrMany[T]{Items: []T{item}, Single: true} }

// Many returns a OneOrMany that encodes as an array.
func Many[T any](items ...T) OneOrMany[T] { return OneOrMany[T]{Items: items} }

func (o OneOrMany[T]) isEmpty() bool { return len(o.Items) == 0 }

// MarshalJSON implements json.Marshaler.
func (o OneOrMany[T]) MarshalJSON() ([]byte, error) {
	if o.Single && len(o.Items) == 1 {
		return json.Marshal(o.Items[0])
	}
	if o.Items == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(o.Items)
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OneOrMany[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		items, err := decodeArray[T](data)
		if err != nil {
			return err
		}
		*o = OneOrMany[T]{Items: items}
		return nil
	}
	var item T
	if err := json.Unmarshal(data, &item); err != nil {
		return err
	}
	*o = OneOrMany[T]{Items: []T{item}, Single: true}
	return nil
}

// Types is the value of a JSON-LD type property: one IRI, or an array of
// them, which JSON-LD treats as an unordered set.
type Types struct {
	Values []string
	// Single makes one value encode as a bare string, not an array.
	Single bool
}

// NewTypes returns Types that encode as an array.
func NewTypes(values ...string) Types { return Types{Values: values} }

// SingleType returns Types that encode as the bare string value.
func SingleType(value string) Types { return Types{Values: []string{value}, Single: true} }

// Has reports whether value is one of the types.
func (t Types) Has(value string) bool { return slices.Contains(t.Values, value) }

func (t Types) isEmpty() bool { return len(t.Values) == 0 }

// MarshalJSON implements json.Marshaler.
func (t Types) MarshalJSON() ([]byte, error) {
	return OneOrMany[string]{Items: t.Values, Single: t.Single}.MarshalJSON()
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Types) UnmarshalJSON(data []byte) error {
	var o OneOrMany[string]
	if err := o.UnmarshalJSON(data); err != nil {
		return err
	}
	*t = Types{Values: o.Items, Single: o.Single}
	return nil
}

// ContextEntry is one entry of @context: a context URL, or anything else
// (an embedded context object) kept as raw JSON.
type ContextEntry struct {
	URI    string
	Inline json.RawMessage
}

// NewContext returns an @context value listing the given context URLs as
// an array, the form OB 3.0 requires.
func NewContext(urls ...string) OneOrMany[ContextEntry] {
	entries := make([]ContextEntry, len(urls))
	for i, u := range urls {
		entries[i] = ContextEntry{URI: u}
	}
	return Many(entries...)
}

// MarshalJSON implements json.Marshaler.
func (c ContextEntry) MarshalJSON() ([]byte, error) {
	if len(c.Inline) > 0 {
		return c.Inline, nil
	}
	return json.Marshal(c.URI)
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *ContextEntry) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		*c = ContextEntry{}
		return json.Unmarshal(data, &c.URI)
	}
	*c = ContextEntry{Inline: bytes.Clone(data)}
	return nil
}
