
# --- berth: container, image, network and volume names, asked of berth itself.
# clap_complete's static `_berth` above is kept as `_berth_clap`; `_berth`
# below answers the positions that name live objects and hands every other
# position to it.

@TABLES@
_berth_names() {
    local kind=$1 bin=${words[1]} line
    shift
    case $kind in
        (c) $bin "$@" ps -a --format '{{.Names}}' ;;
        (i) $bin "$@" images --format '{{.Repository}}:{{.Tag}}' |
            while IFS= read -r line; do
                [[ $line == *'<none>'* ]] || print -r -- "$line"
            done ;;
        (n) $bin "$@" network ls --format '{{.Name}}' ;;
        (v) $bin "$@" volume ls --format '{{.Name}}' ;;
        (x) _berth_names c "$@"; _berth_names i "$@" ;;
    esac 2>/dev/null
}

_berth_dynamic() {
    local cmdpath="" spec="" vopts=" $_berth_global_vopts " n=0 i=2 w kind REPLY
    local cur=${words[CURRENT]}
    local -a store names
    while (( i < CURRENT )); do
        w=${words[i]}
        case $w in
            (--root|--runroot|--berth-config)
                store+=("$w" "${words[i+1]}")
                i=$((i + 2))
                continue ;;
            (--root=*|--runroot=*|--berth-config=*) store+=("$w") ;;
            (-*=*) ;;
            (-*) [[ $vopts == *" $w "* ]] && i=$((i + 1)) ;;
            (*)
                if (( n == 0 )) && _berth_child "$cmdpath/$w"; then
                    cmdpath=$REPLY
                    _berth_spec "$cmdpath"
                else
                    n=$((n + 1))
                fi ;;
        esac
        i=$((i + 1))
    done
    (( i == CURRENT )) || return 1
    [[ -n $spec && $cur != -* ]] || return 1
    local fixed=${spec%\*}
    if (( n < ${#fixed} )); then
        kind=${fixed[n+1]}
    elif [[ $spec == *\* ]]; then
        kind=${fixed[-1]}
    else
        return 1
    fi
    if [[ $kind == p ]]; then
        [[ $cur == *[:/]* ]] && return 1
        names=(${(f)"$(_berth_names c "${store[@]}")"})
        compadd -S : -- "${names[@]}"
        _files
        return 0
    fi
    names=(${(f)"$(_berth_names $kind "${store[@]}")"})
    compadd -- "${names[@]}"
    return 0
}

functions[_berth_clap]=$functions[_berth]

_berth() {
    _berth_dynamic && return 0
    _berth_clap "$@"
}

if [ "$funcstack[1]" = "_berth" ]; then
    _berth "$@"
else
    compdef _berth berth
fi
