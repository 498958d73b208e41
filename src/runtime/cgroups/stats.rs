//! Usage counters for `berth stats`, read the way docker reads them.

use std::path::Path;

use super::error::CgroupError;
use super::fsio;

/// One sample of a container's usage. Counters a host lacks (no blkio
/// hierarchy, say) read as 0; limits that are unlimited are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// CPU time used since the cgroup was created, nanoseconds.
    pub cpu_usage_ns: u64,
    /// Memory in use without reclaimable page cache, as `docker stats` shows:
    /// usage minus inactive file pages.
    pub memory_usage: u64,
    /// The memory limit, `None` when unlimited (docker then shows host memory).
    pub memory_limit: Option<u64>,
    pub pids_current: u64,
    pub pids_limit: Option<u64>,
    /// Bytes read from and written to block devices.
    pub blkio_read_bytes: u64,
    pub blkio_write_bytes: u64,
}

/// v1 reports "no limit" as PAGE_COUNTER_MAX rounded to pages, not "max".
const V1_UNLIMITED_ABOVE: u64 = 1 << 62;

/// Gather stats from v1 hierarchy directories (each `None` when that
/// controller is not mounted).
pub(crate) fn v1(
    cpuacct: Option<&Path>,
    memory: Option<&Path>,
    pids: Option<&Path>,
    blkio: Option<&Path>,
) -> Result<Stats, CgroupError> {
    let mut s = Stats::default();
    if let Some(d) = cpuacct {
        s.cpu_usage_ns = fsio::read_u64(d, "cpuacct.usage")?.unwrap_or(0);
    }
    if let Some(d) = memory {
        let usage = fsio::read_u64(d, "memory.usage_in_bytes")?.unwrap_or(0);
        let stat = fsio::read_opt(d, "memory.stat")?.unwrap_or_default();
        s.memory_usage = usage.saturating_sub(keyed(&stat, "total_inactive_file").unwrap_or(0));
        s.memory_limit =
            fsio::read_u64(d, "memory.limit_in_bytes")?.filter(|&l| l < V1_UNLIMITED_ABOVE);
    }
    if let Some(d) = pids {
        s.pids_current = fsio::read_u64(d, "pids.current")?.unwrap_or(0);
        s.pids_limit = fsio::read_u64(d, "pids.max")?;
    }
    if let Some(d) = blkio {
        // The recursive file also counts sub-cgroups; older kernels lack it.
        let text = match fsio::read_opt(d, "blkio.throttle.io_service_bytes_recursive")? {
            Some(t) => t,
            None => fsio::read_opt(d, "blkio.throttle.io_service_bytes")?.unwrap_or_default(),
        };
        (s.blkio_read_bytes, s.blkio_write_bytes) = blkio_v1(&text);
    }
    Ok(s)
}

/// Gather stats from a v2 cgroup directory.
pub(crate) fn v2(dir: &Path) -> Result<Stats, CgroupError> {
    let mut s = Stats::default();
    // cpu.stat's usage_usec is there even without the cpu controller.
    let cpu = fsio::read_opt(dir, "cpu.stat")?.unwrap_or_default();
    s.cpu_usage_ns = keyed(&cpu, "usage_usec").unwrap_or(0).saturating_mul(1000);
    let usage = fsio::read_u64(dir, "memory.current")?.unwrap_or(0);
    let stat = fsio::read_opt(dir, "memory.stat")?.unwrap_or_default();
    s.memory_usage = usage.saturating_sub(keyed(&stat, "inactive_file").unwrap_or(0));
    s.memory_limit = fsio::read_u64(dir, "memory.max")?;
    s.pids_current = fsio::read_u64(dir, "pids.current")?.unwrap_or(0);
    s.pids_limit = fsio::read_u64(dir, "pids.max")?;
    let io = fsio::read_opt(dir, "io.stat")?.unwrap_or_default();
    (s.blkio_read_bytes, s.blkio_write_bytes) = io_v2(&io);
    Ok(s)
}

/// The value of `key` in a "key value" per line file (memory.stat, cpu.stat,
/// memory.events, memory.oom_control).
pub(crate) fn keyed(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

/// `8:0 Read 4096` / `8:0 Write 8192` / `Total 12288` lines, summed over devices.
fn blkio_v1(text: &str) -> (u64, u64) {
    let (mut read, mut write) = (0u64, 0u64);
    for line in text.lines() {
        let mut f = line.split_whitespace();
        let (Some(_dev), Some(op), Some(n)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let n: u64 = n.parse().unwrap_or(0);
        match op {
            "Read" => read = read.saturating_add(n),
            "Write" => write = write.saturating_add(n),
            _ => {}
        }
    }
    (read, write)
}

/// `8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0` per device.
fn io_v2(text: &str) -> (u64, u64) {
    let (mut read, mut write) = (0u64, 0u64);
    for field in text.split_whitespace() {
        let Some((k, v)) = field.split_once('=') else {
            continue;
        };
        let n: u64 = v.parse().unwrap_or(0);
        match k {
            "rbytes" => read = read.saturating_add(n),
            "wbytes" => write = write.saturating_add(n),
            _ => {}
        }
    }
    (read, write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_finds_exact_keys_only() {
        let stat = "inactive_file 100\ntotal_inactive_file 300\n";
        assert_eq!(keyed(stat, "inactive_file"), Some(100));
        assert_eq!(keyed(stat, "total_inactive_file"), Some(300));
        assert_eq!(keyed(stat, "active_file"), None);
    }

    #[test]
    fn blkio_v1_sums_devices_and_ignores_totals() {
        let t =
            "8:0 Read 4096\n8:0 Write 100\n8:0 Sync 4196\n8:16 Read 1\n8:16 Write 2\nTotal 4199\n";
        assert_eq!(blkio_v1(t), (4097, 102));
    }

    #[test]
    fn io_v2_sums_devices() {
        let t = "8:0 rbytes=10 wbytes=20 rios=1 wios=1 dbytes=0 dios=0\n\
                 259:0 rbytes=5 wbytes=7 rios=1 wios=1 dbytes=3 dios=1";
        assert_eq!(io_v2(t), (15, 27));
    }
}
