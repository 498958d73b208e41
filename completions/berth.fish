# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_berth_global_optspecs
    string join \n root= runroot= l/log-level= D/debug config= berth-config= h/help V/version
end

function __fish_berth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_berth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_berth_using_subcommand
    set -l cmd (__fish_berth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c berth -n "__fish_berth_needs_command" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_needs_command" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error", "fatal")' -r
complete -c berth -n "__fish_berth_needs_command" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_needs_command" -s D -l debug -d 'Enable debug mode'
complete -c berth -n "__fish_berth_needs_command" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_needs_command" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_needs_command" -f -a "run" -d 'Create and run a new container from an image'
complete -c berth -n "__fish_berth_needs_command" -f -a "create" -d 'Create a new container'
complete -c berth -n "__fish_berth_needs_command" -f -a "start" -d 'Start one or more stopped containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "stop" -d 'Stop one or more running containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "kill" -d 'Kill one or more running containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "logs" -d 'Fetch the logs of a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_needs_command" -f -a "wait" -d 'Block until one or more containers stop, then print their exit codes'
complete -c berth -n "__fish_berth_needs_command" -f -a "top" -d 'Display the running processes of a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_needs_command" -f -a "update" -d 'Update configuration of one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "port" -d 'List port mappings or a specific mapping for the container'
complete -c berth -n "__fish_berth_needs_command" -f -a "cp" -d 'Copy files/folders between a container and the local filesystem'
complete -c berth -n "__fish_berth_needs_command" -f -a "diff" -d 'Inspect changes to files or directories on a container\'s filesystem'
complete -c berth -n "__fish_berth_needs_command" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c berth -n "__fish_berth_needs_command" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c berth -n "__fish_berth_needs_command" -f -a "container" -d 'Manage containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "volume" -d 'Manage volumes'
complete -c berth -n "__fish_berth_needs_command" -f -a "network" -d 'Manage networks'
complete -c berth -n "__fish_berth_needs_command" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c berth -n "__fish_berth_needs_command" -f -a "builder" -d 'Manage builds'
complete -c berth -n "__fish_berth_needs_command" -f -a "container-monitor" -d 'The detached container monitor (internal)'
complete -c berth -n "__fish_berth_needs_command" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "push" -d 'Upload an image to a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "images" -d 'List images'
complete -c berth -n "__fish_berth_needs_command" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_needs_command" -f -a "rmi" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_needs_command" -f -a "inspect" -d 'Return low-level information on objects'
complete -c berth -n "__fish_berth_needs_command" -f -a "history" -d 'Show the history of an image'
complete -c berth -n "__fish_berth_needs_command" -f -a "save" -d 'Save one or more images to a tar archive (streamed to STDOUT by default)'
complete -c berth -n "__fish_berth_needs_command" -f -a "load" -d 'Load an image from a tar archive or STDIN'
complete -c berth -n "__fish_berth_needs_command" -f -a "import" -d 'Import the contents from a tarball to create a filesystem image'
complete -c berth -n "__fish_berth_needs_command" -f -a "image" -d 'Manage images'
complete -c berth -n "__fish_berth_needs_command" -f -a "manifest" -d 'Manage image manifests'
complete -c berth -n "__fish_berth_needs_command" -f -a "login" -d 'Log in to a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "logout" -d 'Log out from a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "version" -d 'Show the berth version information'
complete -c berth -n "__fish_berth_needs_command" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_needs_command" -f -a "system" -d 'Manage berth'
complete -c berth -n "__fish_berth_needs_command" -f -a "attach" -d 'Attach local standard input, output, and error streams to a running container'
complete -c berth -n "__fish_berth_needs_command" -f -a "unshare" -d 'Run a command (default: a shell) in the rootless user namespace'
complete -c berth -n "__fish_berth_needs_command" -f -a "generate" -d 'Generate systemd units (for a container, or from quadlet files)'
complete -c berth -n "__fish_berth_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh or fish)'
complete -c berth -n "__fish_berth_needs_command" -f -a "generate-man" -d 'Write the man pages into a directory (for packaging)'
complete -c berth -n "__fish_berth_needs_command" -f -a "events" -d 'Get real time events from berth processes'
complete -c berth -n "__fish_berth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand run" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l sig-proxy -d 'Proxy received signals to the process' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand run" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l annotation -d 'Add an annotation to the container (key=value)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroups -d 'Control container cgroup configuration: enabled, disabled, no-conmon, split (podman; berth has no conmon, so no-conmon and split act as enabled)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l cpu-period -d 'Limit CPU CFS period' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpu-quota -d 'Limit CPU CFS quota' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-interval -d 'Time between running the check (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-start-period -d 'Start period for the container to initialize before counting retries (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ipc -d 'IPC mode to use' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l log-driver -d 'Logging driver for the container (json-file, k8s-file, journald, passthrough, none)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l log-opt -d 'Log driver options (max-size=…, max-file=…, path=…)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, slirp4netns, pasta, or a network\'s name; repeat for more networks)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pid -d 'PID namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l platform -d 'Set platform if server is multi-platform capable' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l restart -d 'Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l sdnotify -d 'Who tells systemd the service is ready: conmon (berth, the default), container, ignore' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l userns -d 'User namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l uts -d 'UTS namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -s d -l detach -d 'Run container in background and print container ID'
complete -c berth -n "__fish_berth_using_subcommand run" -l env-host -d 'Use all host environment variables in the container (podman)'
complete -c berth -n "__fish_berth_using_subcommand run" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand run" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c berth -n "__fish_berth_using_subcommand run" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand run" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand run" -l privileged -d 'Give extended privileges to this container'
complete -c berth -n "__fish_berth_using_subcommand run" -s P -l publish-all -d 'Publish all exposed ports to random ports'
complete -c berth -n "__fish_berth_using_subcommand run" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand run" -l read-only -d 'Mount the container\'s root filesystem as read only'
complete -c berth -n "__fish_berth_using_subcommand run" -l rm -d 'Automatically remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand run" -l rootfs -d 'The IMAGE argument is a directory to use as the root filesystem'
complete -c berth -n "__fish_berth_using_subcommand run" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand run" -l replace -d 'Remove an existing container of the same --name first (podman)'
complete -c berth -n "__fish_berth_using_subcommand run" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand create" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l annotation -d 'Add an annotation to the container (key=value)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroups -d 'Control container cgroup configuration: enabled, disabled, no-conmon, split (podman; berth has no conmon, so no-conmon and split act as enabled)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l cpu-period -d 'Limit CPU CFS period' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpu-quota -d 'Limit CPU CFS quota' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-interval -d 'Time between running the check (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-start-period -d 'Start period for the container to initialize before counting retries (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ipc -d 'IPC mode to use' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l log-driver -d 'Logging driver for the container (json-file, k8s-file, journald, passthrough, none)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l log-opt -d 'Log driver options (max-size=…, max-file=…, path=…)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, slirp4netns, pasta, or a network\'s name; repeat for more networks)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pid -d 'PID namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l platform -d 'Set platform if server is multi-platform capable' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l restart -d 'Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l sdnotify -d 'Who tells systemd the service is ready: conmon (berth, the default), container, ignore' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l userns -d 'User namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l uts -d 'UTS namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l env-host -d 'Use all host environment variables in the container (podman)'
complete -c berth -n "__fish_berth_using_subcommand create" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand create" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c berth -n "__fish_berth_using_subcommand create" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand create" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand create" -l privileged -d 'Give extended privileges to this container'
complete -c berth -n "__fish_berth_using_subcommand create" -s P -l publish-all -d 'Publish all exposed ports to random ports'
complete -c berth -n "__fish_berth_using_subcommand create" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand create" -l read-only -d 'Mount the container\'s root filesystem as read only'
complete -c berth -n "__fish_berth_using_subcommand create" -l rm -d 'Automatically remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand create" -l rootfs -d 'The IMAGE argument is a directory to use as the root filesystem'
complete -c berth -n "__fish_berth_using_subcommand create" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand create" -l replace -d 'Remove an existing container of the same --name first (podman)'
complete -c berth -n "__fish_berth_using_subcommand create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand start" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand start" -s f -l filter -d 'Start only containers matching: restart-policy=, name=, id=, label=, status= (implies --all)' -r
complete -c berth -n "__fish_berth_using_subcommand start" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand start" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand start" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand start" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand start" -s a -l attach -d 'Attach STDOUT/STDERR and forward signals'
complete -c berth -n "__fish_berth_using_subcommand start" -s i -l interactive -d 'Attach container\'s STDIN'
complete -c berth -n "__fish_berth_using_subcommand start" -l all -d 'Start all stopped containers (those matching --filter)'
complete -c berth -n "__fish_berth_using_subcommand start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand start" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand stop" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -s t -l timeout -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -l cidfile -d 'Read the container ID from a file (podman)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -s i -l ignore -d 'Ignore errors when a container does not exist (podman)'
complete -c berth -n "__fish_berth_using_subcommand stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand stop" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand restart" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand restart" -s t -l timeout -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand restart" -l cidfile -d 'Read the container ID from a file (podman)' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -s i -l ignore -d 'Ignore errors when a container does not exist (podman)'
complete -c berth -n "__fish_berth_using_subcommand restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand restart" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand kill" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand kill" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand kill" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand kill" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand kill" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand kill" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand rm" -s t -l time -d 'With --force, seconds to wait for a running container to stop before killing it (podman)' -r
complete -c berth -n "__fish_berth_using_subcommand rm" -l cidfile -d 'Read the container ID from a file, and remove the file too (podman)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -s f -l force -d 'Force the removal of a running container (uses SIGKILL)'
complete -c berth -n "__fish_berth_using_subcommand rm" -s l -l link -d 'Remove the specified link'
complete -c berth -n "__fish_berth_using_subcommand rm" -s v -l volumes -d 'Remove anonymous volumes associated with the container'
complete -c berth -n "__fish_berth_using_subcommand rm" -s i -l ignore -d 'Ignore errors when a container does not exist (podman)'
complete -c berth -n "__fish_berth_using_subcommand rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand ps" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand ps" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand ps" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand ps" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand ps" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand ps" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand ps" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand ps" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand ps" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand ps" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand logs" -l since -d 'Show logs since timestamp or relative (e.g. 42m)' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -s n -l tail -d 'Number of lines to show from the end of the logs' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l until -d 'Show logs before a timestamp or relative (e.g. 42m)' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -l details -d 'Show extra details provided to logs'
complete -c berth -n "__fish_berth_using_subcommand logs" -s f -l follow -d 'Follow log output'
complete -c berth -n "__fish_berth_using_subcommand logs" -s t -l timestamps -d 'Show timestamps'
complete -c berth -n "__fish_berth_using_subcommand logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand logs" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand exec" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -s u -l user -d 'Username or UID (format: "<name|uid>[:<group|gid>]")' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -s d -l detach -d 'Detached mode: run command in the background'
complete -c berth -n "__fish_berth_using_subcommand exec" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand exec" -l privileged -d 'Give extended privileges to the command'
complete -c berth -n "__fish_berth_using_subcommand exec" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand exec" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand wait" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand wait" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand wait" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand wait" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand wait" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand wait" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand top" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand top" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand top" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand top" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand top" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand rename" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rename" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rename" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rename" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand rename" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rename" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pause" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pause" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pause" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pause" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand unpause" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unpause" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unpause" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unpause" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand unpause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand stats" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand stats" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stats" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stats" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stats" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand stats" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand stats" -l no-stream -d 'Disable streaming stats and only pull the first result'
complete -c berth -n "__fish_berth_using_subcommand stats" -l no-trunc -d 'Do not truncate output'
complete -c berth -n "__fish_berth_using_subcommand stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand stats" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand update" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand update" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l memory-swap -d 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l restart -d 'Restart policy to apply when a container exits' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand update" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand update" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand update" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand update" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand update" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand port" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand port" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand port" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand port" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand port" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand cp" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand cp" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand cp" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand cp" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand cp" -s a -l archive -d 'Archive mode (copy all uid/gid information)'
complete -c berth -n "__fish_berth_using_subcommand cp" -s L -l follow-link -d 'Always follow symbol link in SRC_PATH'
complete -c berth -n "__fish_berth_using_subcommand cp" -s q -l quiet -d 'Suppress progress output during copy'
complete -c berth -n "__fish_berth_using_subcommand cp" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand cp" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand diff" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand diff" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand diff" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand diff" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand diff" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand diff" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand commit" -s a -l author -d 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s m -l message -d 'Commit message' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s p -l pause -d 'Pause container during commit (default true)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand commit" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand commit" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand commit" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand commit" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand commit" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand commit" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand export" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand export" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "run" -d 'Create and run a new container from an image'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "create" -d 'Create a new container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "start" -d 'Start one or more stopped containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "stop" -d 'Stop one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "kill" -d 'Kill one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "remove" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "list" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "logs" -d 'Fetch the logs of a container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "wait" -d 'Block until one or more containers stop, then print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "inspect" -d 'Display detailed information on one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "top" -d 'Display the running processes of a container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "prune" -d 'Remove all stopped containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "attach" -d 'Attach local standard input, output, and error streams to a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "update" -d 'Update configuration of one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "port" -d 'List port mappings or a specific mapping for the container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "mount" -d 'Mount a container\'s root filesystem on the host and print its path'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "umount" -d 'Unmount a container\'s root filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "cp" -d 'Copy files/folders between a container and the local filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "diff" -d 'Inspect changes to files or directories on a container\'s filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill rm remove ls ps list logs exec wait inspect top rename pause unpause stats prune attach update port mount unmount umount cp diff commit export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l sig-proxy -d 'Proxy received signals to the process' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l annotation -d 'Add an annotation to the container (key=value)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroups -d 'Control container cgroup configuration: enabled, disabled, no-conmon, split (podman; berth has no conmon, so no-conmon and split act as enabled)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-period -d 'Limit CPU CFS period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-quota -d 'Limit CPU CFS quota' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-interval -d 'Time between running the check (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-start-period -d 'Start period for the container to initialize before counting retries (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ipc -d 'IPC mode to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l log-driver -d 'Logging driver for the container (json-file, k8s-file, journald, passthrough, none)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l log-opt -d 'Log driver options (max-size=…, max-file=…, path=…)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, slirp4netns, pasta, or a network\'s name; repeat for more networks)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pid -d 'PID namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l platform -d 'Set platform if server is multi-platform capable' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l restart -d 'Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l sdnotify -d 'Who tells systemd the service is ready: conmon (berth, the default), container, ignore' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l userns -d 'User namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l uts -d 'UTS namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run container in background and print container ID'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l env-host -d 'Use all host environment variables in the container (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l privileged -d 'Give extended privileges to this container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s P -l publish-all -d 'Publish all exposed ports to random ports'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l read-only -d 'Mount the container\'s root filesystem as read only'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l rm -d 'Automatically remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l rootfs -d 'The IMAGE argument is a directory to use as the root filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l replace -d 'Remove an existing container of the same --name first (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l annotation -d 'Add an annotation to the container (key=value)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroups -d 'Control container cgroup configuration: enabled, disabled, no-conmon, split (podman; berth has no conmon, so no-conmon and split act as enabled)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-period -d 'Limit CPU CFS period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-quota -d 'Limit CPU CFS quota' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-interval -d 'Time between running the check (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-start-period -d 'Start period for the container to initialize before counting retries (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l ipc -d 'IPC mode to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l log-driver -d 'Logging driver for the container (json-file, k8s-file, journald, passthrough, none)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l log-opt -d 'Log driver options (max-size=…, max-file=…, path=…)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, slirp4netns, pasta, or a network\'s name; repeat for more networks)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l pid -d 'PID namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l platform -d 'Set platform if server is multi-platform capable' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l restart -d 'Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l sdnotify -d 'Who tells systemd the service is ready: conmon (berth, the default), container, ignore' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l userns -d 'User namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l uts -d 'UTS namespace to use' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l env-host -d 'Use all host environment variables in the container (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l privileged -d 'Give extended privileges to this container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s P -l publish-all -d 'Publish all exposed ports to random ports'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l read-only -d 'Mount the container\'s root filesystem as read only'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l rm -d 'Automatically remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l rootfs -d 'The IMAGE argument is a directory to use as the root filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l replace -d 'Remove an existing container of the same --name first (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s f -l filter -d 'Start only containers matching: restart-policy=, name=, id=, label=, status= (implies --all)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s a -l attach -d 'Attach STDOUT/STDERR and forward signals'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s i -l interactive -d 'Attach container\'s STDIN'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l all -d 'Start all stopped containers (those matching --filter)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s t -l timeout -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l cidfile -d 'Read the container ID from a file (podman)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s i -l ignore -d 'Ignore errors when a container does not exist (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s t -l timeout -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l cidfile -d 'Read the container ID from a file (podman)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s i -l ignore -d 'Ignore errors when a container does not exist (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s t -l time -d 'With --force, seconds to wait for a running container to stop before killing it (podman)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l cidfile -d 'Read the container ID from a file, and remove the file too (podman)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force the removal of a running container (uses SIGKILL)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s l -l link -d 'Remove the specified link'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove anonymous volumes associated with the container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s i -l ignore -d 'Ignore errors when a container does not exist (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -s t -l time -d 'With --force, seconds to wait for a running container to stop before killing it (podman)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -l cidfile -d 'Read the container ID from a file, and remove the file too (podman)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -s f -l force -d 'Force the removal of a running container (uses SIGKILL)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -s l -l link -d 'Remove the specified link'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -s v -l volumes -d 'Remove anonymous volumes associated with the container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -s i -l ignore -d 'Ignore errors when a container does not exist (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l since -d 'Show logs since timestamp or relative (e.g. 42m)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s n -l tail -d 'Number of lines to show from the end of the logs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l until -d 'Show logs before a timestamp or relative (e.g. 42m)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l details -d 'Show extra details provided to logs'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow log output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show timestamps'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s u -l user -d 'Username or UID (format: "<name|uid>[:<group|gid>]")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Detached mode: run command in the background'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l privileged -d 'Give extended privileges to the command'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l type -d 'Only inspect objects of the given type' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s s -l size -d 'Display total file sizes if the type is container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-stream -d 'Disable streaming stats and only pull the first result'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-trunc -d 'Do not truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l sig-proxy -d 'Proxy all received signals to the process' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l no-stdin -d 'Do not attach STDIN'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-swap -d 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l restart -d 'Restart policy to apply when a container exits' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from mount" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from mount" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from mount" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from mount" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from mount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from mount" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unmount" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unmount" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unmount" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unmount" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unmount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unmount" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from umount" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from umount" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from umount" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from umount" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from umount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from umount" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s a -l archive -d 'Archive mode (copy all uid/gid information)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s L -l follow-link -d 'Always follow symbol link in SRC_PATH'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s q -l quiet -d 'Suppress progress output during copy'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s a -l author -d 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s m -l message -d 'Commit message' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s p -l pause -d 'Pause container during commit (default true)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "run" -d 'Create and run a new container from an image'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a new container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start one or more stopped containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "kill" -d 'Kill one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Fetch the logs of a container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Block until one or more containers stop, then print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "top" -d 'Display the running processes of a container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove all stopped containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "attach" -d 'Attach local standard input, output, and error streams to a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "update" -d 'Update configuration of one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "port" -d 'List port mappings or a specific mapping for the container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "mount" -d 'Mount a container\'s root filesystem on the host and print its path'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "cp" -d 'Copy files/folders between a container and the local filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Inspect changes to files or directories on a container\'s filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "create" -d 'Create a volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "ls" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "list" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "rm" -d 'Remove one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "remove" -d 'Remove one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "prune" -d 'Remove unused local volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s d -l driver -d 'Specify volume driver name' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l label -d 'Set metadata for a volume' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s o -l opt -d 'Set driver specific options' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l ignore -d 'Succeed when the volume exists already (podman; berth\'s create is idempotent anyway)'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Provide filter values (e.g. "dangling=true")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display volume names'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s f -l filter -d 'Provide filter values (e.g. "dangling=true")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only display volume names'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force the removal of one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s f -l force -d 'Force the removal of one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused volumes, not just anonymous ones'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused local volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "create" -d 'Create a network'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "ls" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "list" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "inspect" -d 'Display detailed information on one or more networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "rm" -d 'Remove one or more networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "remove" -d 'Remove one or more networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "prune" -d 'Remove all unused networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "connect" -d 'Connect a container to a network'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls list inspect rm remove prune connect disconnect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s d -l driver -d 'Driver to manage the Network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l subnet -d 'Subnet in CIDR format that represents a network segment' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l gateway -d 'IPv4 Gateway for the master subnet' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ip-range -d 'Allocate container ip from a sub-range' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ipv6 -d 'Enable or disable IPv6 address assignment (berth: IPv4 only)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l label -d 'Set metadata on a network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s o -l opt -d 'Set driver specific options' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l internal -d 'Restrict external access to the network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ignore -d 'Succeed, printing its ID, when a network of that name exists (podman)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Provide filter values (e.g. "driver=bridge")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display network IDs'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -s f -l filter -d 'Provide filter values (e.g. "driver=bridge")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only display network IDs'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'Verbose output for diagnostics (no extra detail without swarm)'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s f -l force -d 'Do not error if the network does not exist'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -s f -l force -d 'Do not error if the network does not exist'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "until=<timestamp>")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l ip -d 'IPv4 address (e.g., "172.30.100.104")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s f -l force -d 'Force the container to disconnect from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more networks'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more networks'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove all unused networks'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "connect" -d 'Connect a container to a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand build" -s t -l tag -d 'Name and optionally a tag in the "name:tag" format' -r
complete -c berth -n "__fish_berth_using_subcommand build" -s f -l file -d 'Name of the Dockerfile (default: "PATH/Dockerfile"); "-" reads it from stdin' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l build-arg -d 'Set build-time variables' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l target -d 'Set the target build stage to build' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l pull -d 'Always attempt to pull a newer version of the image' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l layers -d 'Cache intermediate steps (default true)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l label -d 'Set metadata for an image' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l platform -d 'Set platform if server is multi-platform capable' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l iidfile -d 'Write the image ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l progress -d 'Set type of progress output ("auto", "plain", "tty")' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l secret -d 'Secret to expose to the build (format: "id=mysecret[,src=/local/secret]")' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l network -d 'Set the networking mode for the RUN instructions during build' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l no-cache -d 'Do not use cache when building the image'
complete -c berth -n "__fish_berth_using_subcommand build" -l squash -d 'Squash newly built layers into a single new layer'
complete -c berth -n "__fish_berth_using_subcommand build" -s q -l quiet -d 'Suppress the build output and print image ID on success'
complete -c berth -n "__fish_berth_using_subcommand build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand build" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -f -a "prune" -d 'Remove build cache'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused build cache, not just dangling ones'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove build cache'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -l ready-fd -r
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -l hold-output -d 'Keep output for the first attach client (`run -it`, `start -ai`)'
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container-monitor" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pull" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, except for localhost)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand pull" -l platform -d 'Set platform if the registry is multi-platform capable (os[/arch[/variant]])' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pull" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand push" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, except for localhost)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand push" -l platform -d 'Set platform if the registry is multi-platform capable (os[/arch[/variant]])' -r
complete -c berth -n "__fish_berth_using_subcommand push" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand push" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand images" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand images" -l format -d 'Format output using a custom template (\'table\', \'table TEMPLATE\', \'json\', \'TEMPLATE\')' -r
complete -c berth -n "__fish_berth_using_subcommand images" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand images" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand images" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand images" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand images" -s a -l all -d 'Show all images (default hides intermediate images)'
complete -c berth -n "__fish_berth_using_subcommand images" -l digests -d 'Show digests'
complete -c berth -n "__fish_berth_using_subcommand images" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand images" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand images" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand images" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand tag" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand tag" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand tag" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand tag" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand tag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand tag" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand rmi" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rmi" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rmi" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rmi" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand rmi" -s f -l force -d 'Force removal of the image'
complete -c berth -n "__fish_berth_using_subcommand rmi" -l no-prune -d 'Do not delete untagged parents'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand inspect" -l type -d 'Only inspect objects of the given type' -r
complete -c berth -n "__fish_berth_using_subcommand inspect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand inspect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand inspect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand inspect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand inspect" -s s -l size -d 'Display total file sizes if the type is container'
complete -c berth -n "__fish_berth_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand history" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand history" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand history" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand history" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand history" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand save" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l format -d 'Archive format: docker-archive (default) or oci-archive' -r
complete -c berth -n "__fish_berth_using_subcommand save" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand save" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand load" -s i -l input -d 'Read from tar archive file, instead of STDIN' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -s q -l quiet -d 'Suppress the load output'
complete -c berth -n "__fish_berth_using_subcommand load" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand load" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand import" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand import" -s m -l message -d 'Set commit message for imported image' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l platform -d 'Set platform (accepted for compatibility; the host\'s is recorded)' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand import" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand import" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand import" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand import" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "ls" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "list" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "push" -d 'Upload an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "remove" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "history" -d 'Show the history of an image'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "save" -d 'Save one or more images to a tar archive'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "load" -d 'Load an image from a tar archive or STDIN'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "import" -d 'Import the contents from a tarball to create a filesystem image'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "mount" -d 'Mount an image\'s layers read-only on the host and print the path'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "unmount" -d 'Unmount an image mounted with `image mount`'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "umount" -d 'Unmount an image mounted with `image mount`'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from ls list pull push tag rm remove inspect history save load import prune mount unmount umount help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a custom template (\'table\', \'table TEMPLATE\', \'json\', \'TEMPLATE\')' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all images (default hides intermediate images)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l digests -d 'Show digests'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l format -d 'Format output using a custom template (\'table\', \'table TEMPLATE\', \'json\', \'TEMPLATE\')' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all images (default hides intermediate images)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l digests -d 'Show digests'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, except for localhost)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l platform -d 'Set platform if the registry is multi-platform capable (os[/arch[/variant]])' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, except for localhost)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l platform -d 'Set platform if the registry is multi-platform capable (os[/arch[/variant]])' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force removal of the image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l no-prune -d 'Do not delete untagged parents'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -s f -l force -d 'Force removal of the image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l no-prune -d 'Do not delete untagged parents'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l tls-verify -d 'Require HTTPS and verify certificates (default: true, except for localhost)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l platform -d 'Set platform if the registry is multi-platform capable (os[/arch[/variant]])' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l remote -d 'Inspect the image in its registry without pulling it'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l format -d 'Archive format: docker-archive (default) or oci-archive' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s i -l input -d 'Read from tar archive file, instead of STDIN' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Suppress the load output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s m -l message -d 'Set commit message for imported image' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l platform -d 'Set platform (accepted for compatibility; the host\'s is recorded)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (accepted: until=, label=)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused images, not just dangling ones'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from mount" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from mount" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from mount" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from mount" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from mount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from mount" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from unmount" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from unmount" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from unmount" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from unmount" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from unmount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from unmount" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from umount" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from umount" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from umount" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from umount" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from umount" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from umount" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "push" -d 'Upload an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "history" -d 'Show the history of an image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "save" -d 'Save one or more images to a tar archive'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "load" -d 'Load an image from a tar archive or STDIN'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import the contents from a tarball to create a filesystem image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "mount" -d 'Mount an image\'s layers read-only on the host and print the path'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "unmount" -d 'Unmount an image mounted with `image mount`'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -f -a "inspect" -d 'Display an image manifest, or manifest list'
complete -c berth -n "__fish_berth_using_subcommand manifest; and not __fish_seen_subcommand_from inspect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l insecure -d 'Allow communication with an insecure registry'
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'Output additional info including layers and platform'
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display an image manifest, or manifest list'
complete -c berth -n "__fish_berth_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand login" -s p -l password -d 'Password or token' -r
complete -c berth -n "__fish_berth_using_subcommand login" -s u -l username -d 'Username' -r
complete -c berth -n "__fish_berth_using_subcommand login" -l tls-verify -d 'Require HTTPS and verify certificates' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand login" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -l password-stdin -d 'Take the password from stdin'
complete -c berth -n "__fish_berth_using_subcommand login" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand login" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand logout" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand logout" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand version" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand version" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand version" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand info" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand info" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand info" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -f -a "df" -d 'Show disk usage'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -f -a "check" -d 'Verify the store and repair what is safe to repair'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -f -a "reset" -d 'Remove all containers, images, volumes and networks of this store'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -f -a "prune" -d 'Remove unused data'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -f -a "events" -d 'Get real time events from berth processes'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from df check info reset prune events help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s v -l verbose -d 'Show detailed information on space usage'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -s r -l repair -d 'Repair what can be repaired safely (remove leftovers and broken records)'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -l quick -d 'Skip re-hashing every blob (faster)'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from reset" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from reset" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from reset" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from reset" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from reset" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from reset" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "label=<key>=<value>")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused images not just dangling ones'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l volumes -d 'Prune anonymous volumes'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s f -l filter -d 'Filter output based on conditions provided (e.g. "type=container", "event=die")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l since -d 'Show all events created since timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l until -d 'Stream events until this timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "df" -d 'Show disk usage'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "check" -d 'Verify the store and repair what is safe to repair'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Remove all containers, images, volumes and networks of this store'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused data'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "events" -d 'Get real time events from berth processes'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand attach" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand attach" -l sig-proxy -d 'Proxy all received signals to the process' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand attach" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand attach" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand attach" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand attach" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand attach" -l no-stdin -d 'Do not attach STDIN'
complete -c berth -n "__fish_berth_using_subcommand attach" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand attach" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand unshare" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unshare" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unshare" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unshare" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand unshare" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand unshare" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -f -a "systemd" -d 'Generate a systemd unit file for a container'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -f -a "quadlet" -d 'Generate services from quadlet files (.container, .volume, .network): a systemd generator'
complete -c berth -n "__fish_berth_using_subcommand generate; and not __fish_seen_subcommand_from systemd quadlet help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l restart-policy -d 'systemd restart policy (default on-failure, or the container\'s own policy)' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s t -l stop-timeout -d 'Seconds to wait for the container to stop before killing it' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l start-timeout -d 'Seconds systemd waits for the service to start' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l restart-sec -d 'Seconds systemd waits before restarting the service' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l container-prefix -d 'Prefix of the unit name' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l separator -d 'Separator between the prefix and the name' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s e -l env -d 'Extra environment for the service (KEY=VALUE)' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l wants -d 'Add Wants= dependencies on these units' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l after -d 'Add After= ordering on these units' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l requires -d 'Add Requires= dependencies on these units' -r
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l new -d 'Create a new container when the service starts, instead of starting an existing one'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s n -l name -d 'Use the container\'s name instead of its ID in the unit'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s f -l files -d 'Write container-NAME.service into the current directory instead of printing it'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -l no-header -d 'Leave out the comment header'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from systemd" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -l user -d 'Generate user units (the user search path)'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -l dryrun -d 'Print the units on stdout instead of writing them'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -s v -l verbose -d 'Report each file read and unit written on stderr'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from quadlet" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "systemd" -d 'Generate a systemd unit file for a container'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "quadlet" -d 'Generate services from quadlet files (.container, .volume, .network): a systemd generator'
complete -c berth -n "__fish_berth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand completion" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand completion" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand generate-man" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate-man" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate-man" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate-man" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand generate-man" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand generate-man" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand events" -s f -l filter -d 'Filter output based on conditions provided (e.g. "type=container", "event=die")' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l since -d 'Show all events created since timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l until -d 'Stream events until this timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l root -d 'Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -l runroot -d 'Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -l config -d 'Location of client config files (sets DOCKER_CONFIG)' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -l berth-config -d 'berth.toml to read instead of the system and user ones' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand events" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "run" -d 'Create and run a new container from an image'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "create" -d 'Create a new container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "start" -d 'Start one or more stopped containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "stop" -d 'Stop one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "kill" -d 'Kill one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "logs" -d 'Fetch the logs of a container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "wait" -d 'Block until one or more containers stop, then print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "top" -d 'Display the running processes of a container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "update" -d 'Update configuration of one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "port" -d 'List port mappings or a specific mapping for the container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "cp" -d 'Copy files/folders between a container and the local filesystem'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "diff" -d 'Inspect changes to files or directories on a container\'s filesystem'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "container" -d 'Manage containers'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "volume" -d 'Manage volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "network" -d 'Manage networks'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "builder" -d 'Manage builds'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "container-monitor" -d 'The detached container monitor (internal)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "push" -d 'Upload an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "images" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "rmi" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "inspect" -d 'Return low-level information on objects'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "history" -d 'Show the history of an image'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "save" -d 'Save one or more images to a tar archive (streamed to STDOUT by default)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "load" -d 'Load an image from a tar archive or STDIN'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "import" -d 'Import the contents from a tarball to create a filesystem image'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "image" -d 'Manage images'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "manifest" -d 'Manage image manifests'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "login" -d 'Log in to a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "logout" -d 'Log out from a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "version" -d 'Show the berth version information'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "system" -d 'Manage berth'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "attach" -d 'Attach local standard input, output, and error streams to a running container'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "unshare" -d 'Run a command (default: a shell) in the rootless user namespace'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "generate" -d 'Generate systemd units (for a container, or from quadlet files)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "completion" -d 'Print a shell completion script (bash, zsh or fish)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "generate-man" -d 'Write the man pages into a directory (for packaging)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "events" -d 'Get real time events from berth processes'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec wait top rename pause unpause stats update port cp diff commit export container volume network build builder container-monitor pull push images tag rmi inspect history save load import image manifest login logout version info system attach unshare generate completion generate-man events help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "run" -d 'Create and run a new container from an image'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "create" -d 'Create a new container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "start" -d 'Start one or more stopped containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "stop" -d 'Stop one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "kill" -d 'Kill one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "logs" -d 'Fetch the logs of a container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "wait" -d 'Block until one or more containers stop, then print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "inspect" -d 'Display detailed information on one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "top" -d 'Display the running processes of a container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "prune" -d 'Remove all stopped containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "attach" -d 'Attach local standard input, output, and error streams to a running container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "update" -d 'Update configuration of one or more containers'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "port" -d 'List port mappings or a specific mapping for the container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "mount" -d 'Mount a container\'s root filesystem on the host and print its path'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "unmount" -d 'Unmount a container\'s root filesystem'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "cp" -d 'Copy files/folders between a container and the local filesystem'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "diff" -d 'Inspect changes to files or directories on a container\'s filesystem'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "create" -d 'Create a volume'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "ls" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "rm" -d 'Remove one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "prune" -d 'Remove unused local volumes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "create" -d 'Create a network'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "ls" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "inspect" -d 'Display detailed information on one or more networks'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "rm" -d 'Remove one or more networks'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "prune" -d 'Remove all unused networks'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "connect" -d 'Connect a container to a network'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from builder" -f -a "prune" -d 'Remove build cache'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "ls" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "push" -d 'Upload an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "history" -d 'Show the history of an image'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "save" -d 'Save one or more images to a tar archive'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "load" -d 'Load an image from a tar archive or STDIN'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "import" -d 'Import the contents from a tarball to create a filesystem image'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "mount" -d 'Mount an image\'s layers read-only on the host and print the path'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "unmount" -d 'Unmount an image mounted with `image mount`'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "inspect" -d 'Display an image manifest, or manifest list'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "df" -d 'Show disk usage'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "check" -d 'Verify the store and repair what is safe to repair'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "reset" -d 'Remove all containers, images, volumes and networks of this store'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "prune" -d 'Remove unused data'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "events" -d 'Get real time events from berth processes'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "systemd" -d 'Generate a systemd unit file for a container'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "quadlet" -d 'Generate services from quadlet files (.container, .volume, .network): a systemd generator'

# --- berth: container, image, network and volume names, asked of berth itself.

set -g __berth_global_vopts -l --log-level --root --runroot --config --berth-config

function __berth_child
    switch $argv[1]
        case '/attach'
            echo 'attach'
        case '/commit'
            echo 'commit'
        case '/container'
            echo 'container'
        case 'container/attach'
            echo 'container attach'
        case 'container/commit'
            echo 'container commit'
        case 'container/cp'
            echo 'container cp'
        case 'container/create'
            echo 'container create'
        case 'container/diff'
            echo 'container diff'
        case 'container/exec'
            echo 'container exec'
        case 'container/export'
            echo 'container export'
        case 'container/inspect'
            echo 'container inspect'
        case 'container/kill'
            echo 'container kill'
        case 'container/logs'
            echo 'container logs'
        case 'container/mount'
            echo 'container mount'
        case 'container/pause'
            echo 'container pause'
        case 'container/port'
            echo 'container port'
        case 'container/rename'
            echo 'container rename'
        case 'container/restart'
            echo 'container restart'
        case 'container/remove' 'container/rm'
            echo 'container rm'
        case 'container/run'
            echo 'container run'
        case 'container/start'
            echo 'container start'
        case 'container/stats'
            echo 'container stats'
        case 'container/stop'
            echo 'container stop'
        case 'container/top'
            echo 'container top'
        case 'container/umount' 'container/unmount'
            echo 'container unmount'
        case 'container/unpause'
            echo 'container unpause'
        case 'container/update'
            echo 'container update'
        case 'container/wait'
            echo 'container wait'
        case '/cp'
            echo 'cp'
        case '/create'
            echo 'create'
        case '/diff'
            echo 'diff'
        case '/exec'
            echo 'exec'
        case '/export'
            echo 'export'
        case '/history'
            echo 'history'
        case '/image'
            echo 'image'
        case 'image/history'
            echo 'image history'
        case 'image/inspect'
            echo 'image inspect'
        case 'image/mount'
            echo 'image mount'
        case 'image/push'
            echo 'image push'
        case 'image/remove' 'image/rm'
            echo 'image rm'
        case 'image/save'
            echo 'image save'
        case 'image/tag'
            echo 'image tag'
        case 'image/umount' 'image/unmount'
            echo 'image unmount'
        case '/inspect'
            echo 'inspect'
        case '/kill'
            echo 'kill'
        case '/logs'
            echo 'logs'
        case '/network'
            echo 'network'
        case 'network/connect'
            echo 'network connect'
        case 'network/disconnect'
            echo 'network disconnect'
        case 'network/inspect'
            echo 'network inspect'
        case 'network/remove' 'network/rm'
            echo 'network rm'
        case '/pause'
            echo 'pause'
        case '/port'
            echo 'port'
        case '/push'
            echo 'push'
        case '/rename'
            echo 'rename'
        case '/restart'
            echo 'restart'
        case '/rm'
            echo 'rm'
        case '/rmi'
            echo 'rmi'
        case '/run'
            echo 'run'
        case '/save'
            echo 'save'
        case '/start'
            echo 'start'
        case '/stats'
            echo 'stats'
        case '/stop'
            echo 'stop'
        case '/tag'
            echo 'tag'
        case '/top'
            echo 'top'
        case '/unpause'
            echo 'unpause'
        case '/update'
            echo 'update'
        case '/volume'
            echo 'volume'
        case 'volume/inspect'
            echo 'volume inspect'
        case 'volume/remove' 'volume/rm'
            echo 'volume rm'
        case '/wait'
            echo 'wait'
    end
end

function __berth_spec
    switch $argv[1]
        case 'attach'
            echo 'c'
        case 'commit'
            echo 'c'
        case 'container attach'
            echo 'c'
        case 'container commit'
            echo 'c'
        case 'container cp'
            echo 'pp'
        case 'container create'
            echo 'i'
        case 'container diff'
            echo 'c'
        case 'container exec'
            echo 'c'
        case 'container export'
            echo 'c'
        case 'container inspect'
            echo 'c*'
        case 'container kill'
            echo 'c*'
        case 'container logs'
            echo 'c'
        case 'container mount'
            echo 'c*'
        case 'container pause'
            echo 'c*'
        case 'container port'
            echo 'c'
        case 'container rename'
            echo 'c'
        case 'container restart'
            echo 'c*'
        case 'container rm'
            echo 'c*'
        case 'container run'
            echo 'i'
        case 'container start'
            echo 'c*'
        case 'container stats'
            echo 'c*'
        case 'container stop'
            echo 'c*'
        case 'container top'
            echo 'c'
        case 'container unmount'
            echo 'c*'
        case 'container unpause'
            echo 'c*'
        case 'container update'
            echo 'c*'
        case 'container wait'
            echo 'c*'
        case 'cp'
            echo 'pp'
        case 'create'
            echo 'i'
        case 'diff'
            echo 'c'
        case 'exec'
            echo 'c'
        case 'export'
            echo 'c'
        case 'history'
            echo 'i'
        case 'image history'
            echo 'i'
        case 'image inspect'
            echo 'i*'
        case 'image mount'
            echo 'i*'
        case 'image push'
            echo 'i'
        case 'image rm'
            echo 'i*'
        case 'image save'
            echo 'i*'
        case 'image tag'
            echo 'ii'
        case 'image unmount'
            echo 'i*'
        case 'inspect'
            echo 'x*'
        case 'kill'
            echo 'c*'
        case 'logs'
            echo 'c'
        case 'network connect'
            echo 'nc'
        case 'network disconnect'
            echo 'nc'
        case 'network inspect'
            echo 'n*'
        case 'network rm'
            echo 'n*'
        case 'pause'
            echo 'c*'
        case 'port'
            echo 'c'
        case 'push'
            echo 'i'
        case 'rename'
            echo 'c'
        case 'restart'
            echo 'c*'
        case 'rm'
            echo 'c*'
        case 'rmi'
            echo 'i*'
        case 'run'
            echo 'i'
        case 'save'
            echo 'i*'
        case 'start'
            echo 'c*'
        case 'stats'
            echo 'c*'
        case 'stop'
            echo 'c*'
        case 'tag'
            echo 'ii'
        case 'top'
            echo 'c'
        case 'unpause'
            echo 'c*'
        case 'update'
            echo 'c*'
        case 'volume inspect'
            echo 'v*'
        case 'volume rm'
            echo 'v*'
        case 'wait'
            echo 'c*'
    end
end

function __berth_vopts
    switch $argv[1]
        case 'attach'
            string split ' ' -- '--detach-keys --sig-proxy'
        case 'commit'
            string split ' ' -- '-a --author -c --change -m --message -p --pause'
        case 'container attach'
            string split ' ' -- '--detach-keys --sig-proxy'
        case 'container commit'
            string split ' ' -- '-a --author -c --change -m --message -p --pause'
        case 'container create'
            string split ' ' -- '--add-host --annotation -a --attach --cap-add --cap-drop --cgroup-parent --cgroups --cgroupns --cidfile --cpu-period --cpu-quota -c --cpu-shares --cpus --cpuset-cpus --device --dns --dns-option --dns-search --domainname --entrypoint -e --env --env-file --expose --group-add --health-cmd --health-interval --health-retries --health-start-period --health-timeout -h --hostname --ipc -l --label --label-file --log-driver --log-opt -m --memory --memory-reservation --memory-swap --mount --name --network --network-alias --ip --pid --pids-limit --platform -p --publish --pull --restart --sdnotify --security-opt --shm-size --stop-signal --stop-timeout --sysctl --tmpfs --ulimit -u --user --userns --uts -v --volume -w --workdir'
        case 'container exec'
            string split ' ' -- '--detach-keys -e --env --env-file -u --user -w --workdir'
        case 'container export'
            string split ' ' -- '-o --output'
        case 'container inspect'
            string split ' ' -- '-f --format --type'
        case 'container kill'
            string split ' ' -- '-s --signal'
        case 'container logs'
            string split ' ' -- '--since -n --tail --until'
        case 'container restart'
            string split ' ' -- '-s --signal -t --timeout --cidfile'
        case 'container rm'
            string split ' ' -- '-t --time --cidfile'
        case 'container run'
            string split ' ' -- '--detach-keys --sig-proxy --add-host --annotation -a --attach --cap-add --cap-drop --cgroup-parent --cgroups --cgroupns --cidfile --cpu-period --cpu-quota -c --cpu-shares --cpus --cpuset-cpus --device --dns --dns-option --dns-search --domainname --entrypoint -e --env --env-file --expose --group-add --health-cmd --health-interval --health-retries --health-start-period --health-timeout -h --hostname --ipc -l --label --label-file --log-driver --log-opt -m --memory --memory-reservation --memory-swap --mount --name --network --network-alias --ip --pid --pids-limit --platform -p --publish --pull --restart --sdnotify --security-opt --shm-size --stop-signal --stop-timeout --sysctl --tmpfs --ulimit -u --user --userns --uts -v --volume -w --workdir'
        case 'container start'
            string split ' ' -- '--detach-keys -f --filter'
        case 'container stats'
            string split ' ' -- '--format'
        case 'container stop'
            string split ' ' -- '-s --signal -t --timeout --cidfile'
        case 'container update'
            string split ' ' -- '--cpu-period --cpu-quota -c --cpu-shares --cpus --cpuset-cpus -m --memory --memory-reservation --memory-swap --pids-limit --restart'
        case 'create'
            string split ' ' -- '--add-host --annotation -a --attach --cap-add --cap-drop --cgroup-parent --cgroups --cgroupns --cidfile --cpu-period --cpu-quota -c --cpu-shares --cpus --cpuset-cpus --device --dns --dns-option --dns-search --domainname --entrypoint -e --env --env-file --expose --group-add --health-cmd --health-interval --health-retries --health-start-period --health-timeout -h --hostname --ipc -l --label --label-file --log-driver --log-opt -m --memory --memory-reservation --memory-swap --mount --name --network --network-alias --ip --pid --pids-limit --platform -p --publish --pull --restart --sdnotify --security-opt --shm-size --stop-signal --stop-timeout --sysctl --tmpfs --ulimit -u --user --userns --uts -v --volume -w --workdir'
        case 'exec'
            string split ' ' -- '--detach-keys -e --env --env-file -u --user -w --workdir'
        case 'export'
            string split ' ' -- '-o --output'
        case 'history'
            string split ' ' -- '--format -H --human'
        case 'image history'
            string split ' ' -- '--format -H --human'
        case 'image inspect'
            string split ' ' -- '-f --format --tls-verify --platform'
        case 'image push'
            string split ' ' -- '--tls-verify --platform'
        case 'image save'
            string split ' ' -- '-o --output --format'
        case 'inspect'
            string split ' ' -- '-f --format --type'
        case 'kill'
            string split ' ' -- '-s --signal'
        case 'logs'
            string split ' ' -- '--since -n --tail --until'
        case 'network connect'
            string split ' ' -- '--alias --ip'
        case 'network inspect'
            string split ' ' -- '-f --format'
        case 'push'
            string split ' ' -- '--tls-verify --platform'
        case 'restart'
            string split ' ' -- '-s --signal -t --timeout --cidfile'
        case 'rm'
            string split ' ' -- '-t --time --cidfile'
        case 'run'
            string split ' ' -- '--detach-keys --sig-proxy --add-host --annotation -a --attach --cap-add --cap-drop --cgroup-parent --cgroups --cgroupns --cidfile --cpu-period --cpu-quota -c --cpu-shares --cpus --cpuset-cpus --device --dns --dns-option --dns-search --domainname --entrypoint -e --env --env-file --expose --group-add --health-cmd --health-interval --health-retries --health-start-period --health-timeout -h --hostname --ipc -l --label --label-file --log-driver --log-opt -m --memory --memory-reservation --memory-swap --mount --name --network --network-alias --ip --pid --pids-limit --platform -p --publish --pull --restart --sdnotify --security-opt --shm-size --stop-signal --stop-timeout --sysctl --tmpfs --ulimit -u --user --userns --uts -v --volume -w --workdir'
        case 'save'
            string split ' ' -- '-o --output --format'
        case 'start'
            string split ' ' -- '--detach-keys -f --filter'
        case 'stats'
            string split ' ' -- '--format'
        case 'stop'
            string split ' ' -- '-s --signal -t --timeout --cidfile'
        case 'update'
            string split ' ' -- '--cpu-period --cpu-quota -c --cpu-shares --cpus --cpuset-cpus -m --memory --memory-reservation --memory-swap --pids-limit --restart'
        case 'volume inspect'
            string split ' ' -- '-f --format'
    end
end

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
