# shellcheck shell=bash
# Sourced by tests/vm/ref-kernel.sh and distro-kernel.sh.
#
# closure DIR MODULE...: the paths of MODULE... and of what they depend on
# (DIR/modules.dep), dependencies first, each once; a module built into the
# kernel (DIR/modules.builtin) needs nothing.
closure() {
	local dir=$1 m path
	shift
	declare -A seen=()
	local order=()
	visit() {
		local path=$1 dep
		[[ -n ${seen[$path]:-} ]] && return
		seen[$path]=1
		for dep in $(sed -n "s|^$path: *||p" "$dir/modules.dep"); do
			visit "$dep"
		done
		order+=("$path")
	}
	for m in "$@"; do
		path=$(awk -F: -v m="$m" '{ n = $1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n);
			gsub(/-/, "_", n); t = m; gsub(/-/, "_", t); if (n == t) { print $1; exit } }' \
			"$dir/modules.dep")
		if [[ -z $path ]]; then
			grep -q "/$m.ko" "$dir/modules.builtin" 2>/dev/null ||
				echo "closure: module $m not found in $dir" >&2
			continue
		fi
		visit "$path"
	done
	for m in "${order[@]}"; do echo "$dir/$m"; done
}
