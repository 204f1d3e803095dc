# Minimal JSON flattener for the Nuage guest (busybox awk; no jq in the guest).
# Prints one line per scalar: PATH<TAB>VALUE, where PATH joins object keys and
# array indexes with "."; e.g. "hostname", "public_keys.mykey", "keys.0.data".
# String escapes \" \\ \/ are decoded; \n \r \t become a space (values stay on
# one line, which is what we want for hostnames and SSH keys); \uXXXX is kept.
function ws() {
	while (pos <= len && index(" \t\r\n", substr(src, pos, 1)) > 0) pos++
}
function str(   out, c, e) {
	out = ""
	pos++                          # opening quote
	while (pos <= len) {
		c = substr(src, pos, 1)
		if (c == "\"") { pos++; return out }
		if (c == "\\") {
			e = substr(src, pos + 1, 1)
			pos += 2
			if (e == "n" || e == "r" || e == "t") out = out " "
			else if (e == "u") { out = out "\\u" }
			else out = out e           # \" \\ \/ \b \f (b/f are harmless letters)
			continue
		}
		out = out c
		pos++
	}
	return out
}
function emit(path, v) {
	printf "%s\t%s\n", path, v
}
function join(path, k) {
	return (path == "") ? k : path "." k
}
function value(path,   c, k, n, start) {
	ws()
	c = substr(src, pos, 1)
	if (c == "{") {
		pos++; ws()
		if (substr(src, pos, 1) == "}") { pos++; return }
		while (pos <= len) {
			ws()
			if (substr(src, pos, 1) != "\"") { bad = 1; return }
			k = str(); ws()
			if (substr(src, pos, 1) != ":") { bad = 1; return }
			pos++
			value(join(path, k))
			if (bad) return
			ws(); c = substr(src, pos, 1); pos++
			if (c == "}") return
			if (c != ",") { bad = 1; return }
		}
		bad = 1; return
	}
	if (c == "[") {
		pos++; ws(); n = 0
		if (substr(src, pos, 1) == "]") { pos++; return }
		while (pos <= len) {
			value(join(path, n)); n++
			if (bad) return
			ws(); c = substr(src, pos, 1); pos++
			if (c == "]") return
			if (c != ",") { bad = 1; return }
		}
		bad = 1; return
	}
	if (c == "\"") { emit(path, str()); return }
	start = pos
	while (pos <= len && index(",}] \t\r\n", substr(src, pos, 1)) == 0) pos++
	if (pos == start) { bad = 1; return }
	emit(path, substr(src, start, pos - start))
}
{ src = src $0 "\n" }
END {
	len = length(src); pos = 1; bad = 0
	value("")
	if (bad) { print "json.awk: parse error near offset " pos > "/dev/stderr"; exit 1 }
}
