
# --- berth: container, image, network and volume names, asked of berth itself.
# clap_complete's static `_berth` above is renamed `_berth_clap`; `_berth`
# below answers the positions that name live objects and hands every other
# position to it.

@TABLES@
_berth_names() {
    local kind=$1 bin=${COMP_WORDS[0]} line
    shift
    case $kind in
        c) "$bin" "$@" ps -a --format '{{.Names}}' ;;
        i) "$bin" "$@" images --format '{{.Repository}}:{{.Tag}}' |
            while IFS= read -r line; do
                [[ $line == *'<none>'* ]] || printf '%s\n' "$line"
            done ;;
        n) "$bin" "$@" network ls --format '{{.Name}}' ;;
        v) "$bin" "$@" volume ls --format '{{.Name}}' ;;
        x) _berth_names c "$@"; _berth_names i "$@" ;;
    esac 2>/dev/null
}

# Walks the words before the cursor: global store flags (kept, so the names
# come from the store the line names), subcommands, options and their values,
# and counts the positional arguments. Fails when the position is not a name.
_berth_dynamic() {
    local cmdpath="" spec="" vopts=" $_berth_global_vopts " n=0 i=1 w kind REPLY
    local cur=${COMP_WORDS[COMP_CWORD]}
    local -a store=()
    while (( i < COMP_CWORD )); do
        w=${COMP_WORDS[i]}
        case $w in
            --root|--runroot|--berth-config)
                store+=("$w" "${COMP_WORDS[i+1]}")
                i=$((i + 2))
                continue ;;
            --root=*|--runroot=*|--berth-config=*) store+=("$w") ;;
            -*=*) ;;
            -*) [[ $vopts == *" $w "* ]] && i=$((i + 1)) ;;
            *)
                if (( n == 0 )) && _berth_child "$cmdpath/$w"; then
                    cmdpath=$REPLY
                    _berth_spec "$cmdpath"
                else
                    n=$((n + 1))
                fi ;;
        esac
        i=$((i + 1))
    done
    # Past the cursor: the cursor is the value of the option before it.
    (( i == COMP_CWORD )) || return 1
    [[ -n $spec && $cur != -* ]] || return 1
    local fixed=${spec%\*}
    if (( n < ${#fixed} )); then
        kind=${fixed:n:1}
    elif [[ $spec == *\* ]]; then
        kind=${fixed: -1}
    else
        return 1
    fi
    if [[ $kind == p ]]; then
        # cp: CONTAINER:PATH or a host path; once a ':' or '/' is typed it is a path.
        [[ $cur == *[:/]* ]] && return 1
        mapfile -t COMPREPLY < <(compgen -S : -W "$(_berth_names c "${store[@]}")" -- "$cur"; compgen -f -- "$cur")
        compopt -o nospace 2>/dev/null
        return 0
    fi
    mapfile -t COMPREPLY < <(compgen -W "$(_berth_names "$kind" "${store[@]}")" -- "$cur")
    return 0
}

_berth_clap_source=$(declare -f _berth)
eval "_berth_clap ${_berth_clap_source#_berth }"
unset _berth_clap_source

_berth() {
    # Called by hand (tests, other wrappers) without complete's arguments.
    if (( $# == 0 )); then
        set -- "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    fi
    _berth_dynamic && return 0
    _berth_clap "$@"
}
