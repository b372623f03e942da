package mockcloud

import (
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// commonParams are accepted on every action: the signer's own fields, the
// region, and the owner fields every generated SDK request struct carries.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "AccessKeyId": true,
	"SignatureMethod": true, "SignatureVersion": true, "SignatureNonce": true,
	"SignatureType": true, "Signature": true, "Timestamp": true,
	"SecurityToken": true, "BearerToken": true, "RegionId": true,
	"OwnerId": true, "OwnerAccount": true, "ResourceOwnerId": true, "ResourceOwnerAccount": true,
}

// Bounds that keep a hostile request from costing memory; the real limits
// are not published, so these are the mock's own.
const (
	maxParams        = 512
	maxValueLen      = 16 << 10
	maxRepeatIndex   = 1000
	maxNestedIndexes = 100
)

type listItem struct {
	index  int
	value  string              // Name.N=value
	fields map[string]string   // Name.N.Sub=value
	lists  map[string][]string // Name.N.Sub.M=value, in M order
}

type params struct {
	scalars map[string]string
	lists   map[string][]listItem
}

// parseParams checks raw request parameters against the action's metadata:
// names, types, required flags and the 1-based repeat-list syntax.
func parseParams(meta *actionMeta, raw url.Values, strict bool) (*params, *APIError) {
	if len(raw) > maxParams {
		return nil, badRequest(rulebook.CodeInvalidParameter, "The request carries %d parameters; this mock accepts at most %d.", len(raw), maxParams)
	}
	pp := &paramParser{meta: meta, strict: strict, nested: map[string]map[int]map[string]map[int]string{},
		p: &params{scalars: map[string]string{}, lists: map[string][]listItem{}}}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if err := pp.add(k, raw[k]); err != nil {
			return nil, err
		}
	}
	pp.gatherNested()
	for name := range pp.p.lists {
		items := pp.p.lists[name]
		sort.Slice(items, func(i, j int) bool { return items[i].index < items[j].index })
	}
	for _, pm := range meta.Params {
		if !pm.Required {
			continue
		}
		if pm.Type == "RepeatList" {
			if len(pp.p.lists[pm.Name]) == 0 {
				return nil, missingParam(pm.Name)
			}
		} else if pp.p.scalars[pm.Name] == "" {
			return nil, missingParam(pm.Name)
		}
	}
	return pp.p, nil
}

// paramParser is one parseParams in progress.
type paramParser struct {
	meta   *actionMeta
	strict bool
	p      *params
	// nested holds Name.N.Sub.M values until every key is read, as
	// list -> N -> Sub -> M -> value: M may arrive in any order.
	nested map[string]map[int]map[string]map[int]string
}

// add takes one parameter: a common one, a scalar, or a repeat-list item.
func (pp *paramParser) add(k string, vs []string) *APIError {
	if len(vs) != 1 {
		return invalidParam(k, "The parameter is given %d times.", len(vs))
	}
	v := vs[0]
	if len(v) > maxValueLen {
		return invalidParam(k, "The value is %d bytes long; this mock accepts at most %d.", len(v), maxValueLen)
	}
	if commonParams[k] {
		if k == "RegionId" {
			pp.p.scalars[k] = v
		}
		return nil
	}
	if pm := pp.meta.param(k); pm != nil && pm.Type != "RepeatList" {
		if err := checkType(k, pm.Type, v); err != nil {
			return err
		}
		pp.p.scalars[k] = v
		return nil
	}
	parts := strings.Split(k, ".")
	pm := pp.meta.param(parts[0])
	if pm == nil || pm.Type != "RepeatList" || len(parts) < 2 || len(parts) > 4 {
		if !pp.strict {
			return nil
		}
		return pp.unknown(k)
	}
	idx, ok := repeatIndex(parts[1], maxRepeatIndex)
	if !ok {
		return invalidParam(k, "Repeat-list indexes are 1-based integers up to %d.", maxRepeatIndex)
	}
	return pp.addItem(k, parts, pm, idx, v)
}

func (pp *paramParser) unknown(k string) *APIError {
	return badRequest(rulebook.CodeInvalidParameter, "The parameter %q is not recognized by %s.", k, pp.meta.Name)
}

// addItem takes Name.N (a plain item), Name.N.Sub (a field of item N) or
// Name.N.Sub.M (the Mth value of a list field of item N).
func (pp *paramParser) addItem(k string, parts []string, pm *paramMeta, idx int, v string) *APIError {
	item := findItem(pp.p, parts[0], idx)
	switch len(parts) {
	case 2:
		if len(pm.Sub) > 0 {
			return invalidParam(k, "%s items have fields (%s.N.%s).", parts[0], parts[0], pm.Sub[0].Name)
		}
		item.value = v
	case 3:
		sm := pm.sub(parts[2])
		if sm == nil || sm.Type == "RepeatList" {
			return pp.unknown(k)
		}
		if err := checkType(k, sm.Type, v); err != nil {
			return err
		}
		if item.fields == nil {
			item.fields = map[string]string{}
		}
		item.fields[parts[2]] = v
	case 4:
		sm := pm.sub(parts[2])
		if sm == nil || sm.Type != "RepeatList" {
			return pp.unknown(k)
		}
		m, ok := repeatIndex(parts[3], maxNestedIndexes)
		if !ok {
			return invalidParam(k, "Repeat-list indexes are 1-based integers up to %d.", maxNestedIndexes)
		}
		byItem := pp.nested[parts[0]]
		if byItem == nil {
			byItem = map[int]map[string]map[int]string{}
			pp.nested[parts[0]] = byItem
		}
		bySub := byItem[idx]
		if bySub == nil {
			bySub = map[string]map[int]string{}
			byItem[idx] = bySub
		}
		if bySub[parts[2]] == nil {
			bySub[parts[2]] = map[int]string{}
		}
		bySub[parts[2]][m] = v
	}
	return nil
}

// gatherNested puts each item's nested list values in M order.
func (pp *paramParser) gatherNested() {
	for name, byItem := range pp.nested {
		for idx, bySub := range byItem {
			item := findItem(pp.p, name, idx)
			for sub, vals := range bySub {
				ms := make([]int, 0, len(vals))
				for m := range vals {
					ms = append(ms, m)
				}
				sort.Ints(ms)
				if item.lists == nil {
					item.lists = map[string][]string{}
				}
				for _, m := range ms {
					item.lists[sub] = append(item.lists[sub], vals[m])
				}
			}
		}
	}
}

func repeatIndex(s string, max int) (int, bool) {
	if s == "" || s[0] == '0' || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= max
}

func findItem(p *params, name string, idx int) *listItem {
	items := p.lists[name]
	for i := range items {
		if items[i].index == idx {
			return &p.lists[name][i]
		}
	}
	p.lists[name] = append(items, listItem{index: idx})
	return &p.lists[name][len(p.lists[name])-1]
}

func checkType(name, typ, v string) *APIError {
	switch typ {
	case "Integer", "Long":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return invalidParam(name, "%q is not an integer.", v)
		}
	case "Boolean":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return invalidParam(name, "%q is not a Boolean (true or false).", v)
		}
	case "Float", "Double":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return invalidParam(name, "%q is not a number.", v)
		}
	}
	return nil
}

func (p *params) str(name string) string { return p.scalars[name] }

// filtersOut reports whether a describe's optional filters leave a record
// out: fields maps each filter parameter to the record's value, and a
// filter given with another value leaves it out. A filter left out lets
// everything through.
func (p *params) filtersOut(fields map[string]string) bool {
	for name, v := range fields {
		if f := p.str(name); f != "" && f != v {
			return true
		}
	}
	return false
}

func (p *params) has(name string) bool {
	_, ok := p.scalars[name]
	return ok
}

// intIn reads an optional integer with a default and a permitted range.
func (p *params) intIn(name string, def, min, max int) (int, *APIError) {
	s, ok := p.scalars[name]
	if !ok || s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, invalidParam(name, "It must be an integer from %d to %d.", min, max)
	}
	return n, nil
}

func (p *params) boolOr(name string, def bool) bool {
	s, ok := p.scalars[name]
	if !ok || s == "" {
		return def
	}
	return strings.EqualFold(s, "true")
}

func (p *params) list(name string) []listItem { return p.lists[name] }

// strList returns the values of a scalar repeat list (Name.N=value).
func (p *params) strList(name string) []string {
	var out []string
	for _, it := range p.lists[name] {
		out = append(out, it.value)
	}
	return out
}

// fingerprint is a canonical form of the business parameters, used to tell a
// ClientToken retry from a different request reusing the token.
func (p *params) fingerprint() string {
	var b strings.Builder
	keys := make([]string, 0, len(p.scalars))
	for k := range p.scalars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "ClientToken" {
			continue
		}
		b.WriteString(k + "=" + p.scalars[k] + "\n")
	}
	names := make([]string, 0, len(p.lists))
	for k := range p.lists {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, it := range p.lists[n] {
			b.WriteString(n + "." + strconv.Itoa(it.index) + "=" + it.value)
			fk := make([]string, 0, len(it.fields))
			for k := range it.fields {
				fk = append(fk, k)
			}
			sort.Strings(fk)
			for _, k := range fk {
				b.WriteString(";" + k + "=" + it.fields[k])
			}
			lk := make([]string, 0, len(it.lists))
			for k := range it.lists {
				lk = append(lk, k)
			}
			sort.Strings(lk)
			for _, k := range lk {
				b.WriteString(";" + k + "=" + strings.Join(it.lists[k], ","))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
