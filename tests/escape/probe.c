/* Escape attempts from inside a container, one line per attempt:
 * "<name> blocked <errno name>" when the kernel refused, "<name> OPEN"
 * when it worked. Built static by tests/escape.rs and bind-mounted in.
 * Nothing here changes the host when it is refused; the test only runs
 * it in default (not --privileged) containers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/if_packet.h>

static void report(const char *name, long rc) {
    if (rc < 0)
        printf("%s blocked %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
    else
        printf("%s OPEN\n", name);
    fflush(stdout);
}

static long write_file(const char *path, const char *data) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) return -1;
    long n = write(fd, data, strlen(data));
    int e = errno;
    close(fd);
    errno = e;
    return n < 0 ? -1 : 0;
}

static long read_byte(const char *path) {
    char c;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    long n = read(fd, &c, 1);
    int e = errno;
    close(fd);
    errno = e;
    if (n == 0) { errno = ENODATA; return -1; }
    return n < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
    pid_t host_pid = argc > 1 ? atoi(argv[1]) : 1;
    const char *host_marker = argc > 2 ? argv[2] : "/nonexistent";

    mkdir("/pw", 0755);
    mkdir("/pw/m", 0755);
    report("mount_tmpfs", mount("x", "/pw/m", "tmpfs", 0, NULL));
    report("mount_bind", mount("/", "/pw/m", NULL, MS_BIND, NULL));
    report("remount_root_rw", mount(NULL, "/", NULL, MS_REMOUNT, NULL));
    report("unshare_user", unshare(CLONE_NEWUSER));
    report("unshare_mount", unshare(CLONE_NEWNS));
    report("setns_host_net", ({ int fd = open("/proc/1/ns/net", O_RDONLY); fd < 0 ? -1 : setns(fd, CLONE_NEWNET); }));
    report("ptrace_host_pid", ptrace(PTRACE_ATTACH, host_pid, NULL, NULL));
    report("kill_host_pid", kill(host_pid, 0));
    report("init_module", syscall(SYS_init_module, "", 0, ""));
    report("finit_module", syscall(SYS_finit_module, 0, "", 0));
    report("delete_module", syscall(SYS_delete_module, "loop", 0));
    report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0));
    report("add_key", syscall(SYS_add_key, "user", "berth", "x", 1, KEY_SPEC_SESSION_KEYRING));
    report("proc_sys_write", write_file("/proc/sys/kernel/hostname", "evil"));
    report("proc_sys_vm_write", write_file("/proc/sys/vm/drop_caches", "1"));
    report("sysrq_trigger", write_file("/proc/sysrq-trigger", "h"));
    report("sys_write", write_file("/sys/kernel/mm/ksm/run", "0"));
    report("sys_uevent_helper", write_file("/sys/kernel/uevent_helper", "/pw/x"));
    report("kcore_read", read_byte("/proc/kcore"));
    report("kmsg_read", read_byte("/dev/kmsg"));
    report("keys_read", read_byte("/proc/keys"));
    report("timer_list_read", read_byte("/proc/timer_list"));
    report("syslog", syscall(SYS_syslog, 3, (char[64]){0}, 64));
    report("mknod_block_open", ({ mknod("/pw/sda", S_IFBLK | 0600, makedev(8, 0)); read_byte("/pw/sda"); }));
    report("mknod_mem_open", ({ mknod("/pw/mem", S_IFCHR | 0600, makedev(1, 1)); read_byte("/pw/mem"); }));
    report("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, (char[136]){8, 0, 0, 0, 1}, O_RDONLY));
    /* A NULL time: EFAULT if the caller may set the clock, EPERM if not. */
    report("clock_settime", syscall(SYS_clock_settime, CLOCK_REALTIME, NULL));
    report("swapoff", syscall(SYS_swapoff, "/nonexistent"));
    /* A raw socket works (docker keeps CAP_NET_RAW) but sees only the
     * container's network namespace: the host's interface is not there. */
    report("raw_socket_host_if", ({
        int s = socket(AF_PACKET, SOCK_RAW, htons(3));
        long r = s;
        if (s >= 0) {
            const char *host_if = argc > 3 ? argv[3] : "lo";
            if (if_nametoindex(host_if) == 0) { errno = ENODEV; r = -1; }
            close(s);
        }
        r;
    }));
    /* chroot breakout: chroot into a subdirectory, climb out, chroot(".")
     * and look for a file that exists only on the host. */
    report("chroot_breakout", ({
        long r = -1;
        int out = open("/", O_RDONLY | O_DIRECTORY);
        mkdir("/pw/jail", 0755);
        if (chroot("/pw/jail") == 0 && fchdir(out) == 0) {
            for (int i = 0; i < 64; i++) chdir("..");
            chroot(".");
            r = access(host_marker, F_OK);
        }
        r;
    }));
    report("host_marker_visible", access(host_marker, F_OK));
    return 0;
}
