
# --- berth: container, image, network and volume names, asked of berth itself.

@TABLES@
function __berth_names
    set -l kind $argv[1]
    set -l bin (commandline -opc)[1]
    set -l store $argv[2..-1]
    switch $kind
        case c
            $bin $store ps -a --format '{{.Names}}' 2>/dev/null
        case i
            $bin $store images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | string match -v '*<none>*'
        case n
            $bin $store network ls --format '{{.Name}}' 2>/dev/null
        case v
            $bin $store volume ls --format '{{.Name}}' 2>/dev/null
        case x
            __berth_names c $store
            __berth_names i $store
        case p
            __berth_names c $store | string replace -r '$' ':'
    end
end

# Prints the names for the cursor's position and succeeds, or fails when
# the position does not name a live object.
function __berth_dynamic
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmdpath ''
    set -l spec ''
    set -l vopts $__berth_global_vopts
    set -l store
    set -l n 0
    set -l i 2
    set -l count (count $words)
    while test $i -le $count
        set -l w $words[$i]
        switch $w
            case --root --runroot --berth-config
                set -l j (math $i + 1)
                if test $j -gt $count
                    return 1
                end
                set store $store $w $words[$j]
                set i (math $i + 2)
                continue
            case '--root=*' '--runroot=*' '--berth-config=*'
                set store $store $w
            case '-*=*'
            case '-*'
                if contains -- $w $vopts
                    set i (math $i + 1)
                end
            case '*'
                set -l child ''
                if test $n -eq 0
                    set child (__berth_child "$cmdpath/$w")
                end
                if test -n "$child"
                    set cmdpath $child
                    set spec (__berth_spec $cmdpath)
                    set vopts $__berth_global_vopts (__berth_vopts $cmdpath)
                else
                    set n (math $n + 1)
                end
        end
        set i (math $i + 1)
    end
    test $i -eq (math $count + 1); or return 1
    test -n "$spec"; or return 1
    string match -q -- '-*' "$cur"; and return 1
    set -l fixed (string replace -r '\*$' '' -- $spec)
    set -l kind ''
    if test $n -lt (string length -- $fixed)
        set kind (string sub -s (math $n + 1) -l 1 -- $fixed)
    else if string match -q -- '*\*' $spec
        set kind (string sub -s -1 -- $fixed)
    else
        return 1
    end
    if test $kind = p; and string match -qr -- '[:/]' "$cur"
        return 1
    end
    __berth_names $kind $store
end

complete -c berth -n '__berth_dynamic >/dev/null' -f -a '(__berth_dynamic)'
